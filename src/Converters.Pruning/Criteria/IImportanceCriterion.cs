using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>
/// Scores the channels of a group: higher is more important, the lowest-scoring channels are pruned
/// first. Data-driven criteria are constructed with the statistics they need (activations,
/// gradients) so that scoring itself never runs the model.
/// </summary>
public interface IImportanceCriterion
{
    /// <summary>The name used in configs and reports (<c>l1</c>, <c>bn-gamma</c>, <c>apoz</c>, …).</summary>
    string Name { get; }

    /// <summary>One score per channel of <paramref name="group"/>, in channel order.</summary>
    float[] Score(Model model, PruningGroup group);
}
