using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>
/// |γ| of the BatchNormalization (or Scale) each channel passes through — network slimming's
/// criterion; summed when coupled producers each have their BN (a residual stage).
/// </summary>
public sealed class BatchNormScaleCriterion : IImportanceCriterion
{
    /// <inheritdoc/>
    public string Name => "bn-gamma";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The group passes through no BN or Scale (name the group in ignored layers, or use l1).</exception>
    public float[] Score(Model model, PruningGroup group)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(group);
        var scores = new double[group.ChannelCount];
        bool any = false;
        foreach (ChannelSlot slot in group.SlotsOf(SlotKind.PerChannel).Where(s => s.InputIndex == 1))
        {
            Node node = model.Graph.Nodes.First(n => n.Name == slot.NodeName);
            if (node.OpType is not ("BatchNormalization" or "Scale"))
            {
                continue;
            }

            any = true;
            ReadOnlySpan<float> gamma = model.Graph.Initializers[slot.TensorName].AsSpan<float>();
            for (int channel = slot.First; channel < slot.First + slot.Count; channel++)
            {
                scores[channel] += Math.Abs(gamma[slot.IndicesOf(channel)!.Value.Start.Value]);
            }
        }

        if (!any)
        {
            throw new ArgumentException($"group '{group.Id}' passes through no BatchNormalization, so it has no BN scales to rank by; use l1 or l2, or ignore its layers.", nameof(group));
        }

        return scores.Select(s => (float)s).ToArray();
    }
}
