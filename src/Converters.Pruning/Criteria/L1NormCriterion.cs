using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>L1 norm of each channel's filters (Li et al., "Pruning Filters for Efficient ConvNets"), summed over coupled producers.</summary>
public sealed class L1NormCriterion : IImportanceCriterion
{
    /// <inheritdoc/>
    public string Name => "l1";

    /// <inheritdoc/>
    public float[] Score(Model model, PruningGroup group) => FilterNorm.Sum(model, group, x => Math.Abs((double)x));
}
