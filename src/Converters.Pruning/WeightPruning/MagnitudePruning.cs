using Converters.Ir;
using Converters.Pruning.Transform;

namespace Converters.Pruning.WeightPruning;

/// <summary>
/// Unstructured magnitude pruning of the weights of Conv, ConvTranspose and Gemm layers (never their
/// biases or BN parameters): per layer, the round(s·n) smallest |w| of each tensor go; global, the
/// round(s·N) smallest over all tensors together (one threshold) — the rule of PyTorch's
/// <c>l1_unstructured</c> / <c>global_unstructured</c>. Ties go by position (earlier first). Iterative
/// pruning follows the cubic schedule of Zhu and Gupta (<see cref="Schedule"/>).
/// </summary>
public static class MagnitudePruning
{
    /// <summary>Prunes a copy of <paramref name="model"/> to <paramref name="sparsity"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="sparsity">Fraction of weights to zero, in [0, 1).</param>
    /// <param name="global">One threshold over all layers (true) or the same fraction in each (false).</param>
    /// <param name="excluded">Layers (node names) left dense.</param>
    /// <exception cref="ArgumentException">Sparsity out of range, or an excluded name the model does not have.</exception>
    public static WeightPruningResult Apply(Model model, double sparsity, bool global, IReadOnlyCollection<string>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(sparsity >= 0 && sparsity < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "sparsity must be in [0, 1).");
        }

        excluded ??= [];
        foreach (string name in excluded.Where(n => !model.Graph.Nodes.Any(node => node.Name == n)))
        {
            throw new ArgumentException($"the model has no layer '{name}' to exclude.", nameof(excluded));
        }

        Model copy = ModelCopy.Clone(model);
        Graph graph = copy.Graph;
        var targets = graph.Nodes
            .Where(n => n.OpType is "Conv" or "ConvTranspose" or "Gemm" && !excluded.Contains(n.Name) && n.Inputs.Count > 1 && graph.Initializers.ContainsKey(n.Inputs[1]))
            .Select(n => (Node: n.Name, Tensor: n.Inputs[1]))
            .DistinctBy(t => t.Tensor)
            .ToList();
        var masks = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (_, tensor) in targets)
        {
            masks[tensor] = Enumerable.Repeat(1f, (int)graph.Initializers[tensor].ElementCount).ToArray();
        }

        if (global)
        {
            PruneSmallest([.. targets.Select(t => (graph.Initializers[t.Tensor].AsSpan<float>().ToArray(), masks[t.Tensor]))], sparsity);
        }
        else
        {
            foreach (var (_, tensor) in targets)
            {
                PruneSmallest([(graph.Initializers[tensor].AsSpan<float>().ToArray(), masks[tensor])], sparsity);
            }
        }

        var layers = new List<LayerSparsity>();
        foreach (var (node, tensor) in targets)
        {
            Span<float> w = graph.Initializers[tensor].AsSpan<float>();
            float[] mask = masks[tensor];
            long zeros = 0;
            for (int i = 0; i < w.Length; i++)
            {
                w[i] *= mask[i];
                if (w[i] == 0)
                {
                    zeros++;
                }
            }

            layers.Add(new LayerSparsity(node, tensor, w.Length, zeros, ((w.Length + 7) / 8) + (4 * (w.Length - zeros))));
        }

        return new WeightPruningResult(copy, masks, layers);
    }

    /// <summary>
    /// Zeroes in the masks the round(s·N) entries of smallest magnitude over all the given tensors:
    /// everything below the k-th smallest |w|, then entries equal to it in tensor and index order.
    /// </summary>
    private static void PruneSmallest((float[] Values, float[] Mask)[] tensors, double sparsity)
    {
        long total = tensors.Sum(t => (long)t.Values.Length);
        long prune = (long)Math.Round(sparsity * total, MidpointRounding.ToEven);
        if (prune == 0)
        {
            return;
        }

        var magnitudes = new float[total];
        long at = 0;
        foreach (var (values, _) in tensors)
        {
            for (int i = 0; i < values.Length; i++)
            {
                magnitudes[at++] = Math.Abs(values[i]);
            }
        }

        Array.Sort(magnitudes);
        float threshold = magnitudes[prune - 1];
        long below = 0;
        foreach (var (values, _) in tensors)
        {
            foreach (float v in values)
            {
                if (Math.Abs(v) < threshold)
                {
                    below++;
                }
            }
        }

        long ties = prune - below;
        foreach (var (values, mask) in tensors)
        {
            for (int i = 0; i < values.Length; i++)
            {
                float m = Math.Abs(values[i]);
                if (m < threshold || (m == threshold && ties-- > 0))
                {
                    mask[i] = 0;
                }
            }
        }
    }

    /// <summary>
    /// Sparsity at pruning step <paramref name="step"/> of <paramref name="steps"/>, rising from
    /// <paramref name="initial"/> to <paramref name="final"/>: s_f + (s_i − s_f)·(1 − t/n)³ (Zhu and
    /// Gupta's gradual pruning); <paramref name="final"/> from step n on.
    /// </summary>
    public static double Schedule(double initial, double final, int step, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double t = Math.Min(step, steps) / (double)steps;
        return final + ((initial - final) * Math.Pow(1 - t, 3));
    }
}
