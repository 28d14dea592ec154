using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>
/// L1 norm of everything a channel owns across its group: the producers' filters, the BN (or Scale)
/// scale and shift it passes through, and the columns of the layers that read it — Torch-Pruning's
/// group-norm importance with p = 1 (statistics such as BN running means are not parameters and are
/// left out).
/// </summary>
public sealed class GroupL1Criterion : IImportanceCriterion
{
    /// <inheritdoc/>
    public string Name => "group-l1";

    /// <inheritdoc/>
    public float[] Score(Model model, PruningGroup group)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(group);
        var perChannelParameters = new HashSet<string>(StringComparer.Ordinal);
        foreach (ChannelSlot slot in group.SlotsOf(SlotKind.PerChannel))
        {
            Node node = model.Graph.Nodes.First(n => n.Name == slot.NodeName);
            if (slot.InputIndex is 1 or 2 && node.OpType is "BatchNormalization" or "Scale" or "PRelu" or "Conv")
            {
                perChannelParameters.Add(slot.TensorName);
            }
        }

        return FilterNorm.Sum(model, group, x => Math.Abs((double)x), s =>
            (s.Kind is SlotKind.Producer or SlotKind.Consumer && s.InputIndex is 1 or 2) ||
            (s.Kind == SlotKind.PerChannel && perChannelParameters.Contains(s.TensorName)));
    }
}
