using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>L2 norm of each channel's filters, over all coupled producers (the square root of the summed squares).</summary>
public sealed class L2NormCriterion : IImportanceCriterion
{
    /// <inheritdoc/>
    public string Name => "l2";

    /// <inheritdoc/>
    public float[] Score(Model model, PruningGroup group) =>
        FilterNorm.Sum(model, group, x => (double)x * x).Select(s => MathF.Sqrt(s)).ToArray();
}
