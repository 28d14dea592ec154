using Converters.Ir;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Criteria;

/// <summary>Sums a per-entry function over each channel's filter entries in a group's producer weights.</summary>
internal static class FilterNorm
{
    /// <summary>
    /// Per channel: Σ f(w) over every producer weight of the group (input 1 of each producer; biases are
    /// not filters). Coupled producers (a residual stage) add up, so a channel is ranked by all the
    /// filters that make it.
    /// </summary>
    public static float[] Sum(Model model, PruningGroup group, Func<float, double> f) =>
        Sum(model, group, f, s => s.Kind == SlotKind.Producer && s.InputIndex == 1);

    /// <summary>Per channel: Σ f(w) over the entries of every slot <paramref name="include"/> accepts.</summary>
    public static float[] Sum(Model model, PruningGroup group, Func<float, double> f, Func<ChannelSlot, bool> include)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(group);
        var scores = new double[group.ChannelCount];
        foreach (ChannelSlot slot in group.Slots.Where(include))
        {
            if (!model.Graph.Initializers.TryGetValue(slot.TensorName, out TensorData? tensor))
            {
                continue;
            }

            ReadOnlySpan<float> w = tensor.AsSpan<float>();
            int outer = 1, inner = 1;
            for (int d = 0; d < slot.Axis; d++)
            {
                outer *= tensor.Shape[d];
            }

            for (int d = slot.Axis + 1; d < tensor.Shape.Rank; d++)
            {
                inner *= tensor.Shape[d];
            }

            int size = tensor.Shape[slot.Axis];
            for (int channel = slot.First; channel < slot.First + slot.Count; channel++)
            {
                Range range = slot.IndicesOf(channel)!.Value;
                double sum = 0;
                for (int o = 0; o < outer; o++)
                {
                    for (int j = range.Start.Value; j < range.End.Value; j++)
                    {
                        foreach (float x in w.Slice(((o * size) + j) * inner, inner))
                        {
                            sum += f(x);
                        }
                    }
                }

                scores[channel] += sum;
            }
        }

        return scores.Select(s => (float)s).ToArray();
    }
}
