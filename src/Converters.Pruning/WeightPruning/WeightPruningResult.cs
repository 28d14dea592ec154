using Converters.Ir;

namespace Converters.Pruning.WeightPruning;

/// <summary>The result of unstructured pruning: the masked model, its masks and the per-layer sparsity.</summary>
/// <param name="Model">The model with the pruned weights at zero (same shapes).</param>
/// <param name="Masks">Weight initializer → 0/1 mask (usable as the training engine's <c>TrainableParameter.Mask</c>).</param>
/// <param name="Layers">Sparsity per weight tensor.</param>
public sealed record WeightPruningResult(Model Model, IReadOnlyDictionary<string, float[]> Masks, IReadOnlyList<LayerSparsity> Layers)
{
    /// <summary>The fraction of zeros over all pruned tensors.</summary>
    public double Sparsity => Layers.Sum(l => l.Count) == 0 ? 0 : (double)Layers.Sum(l => l.Zeros) / Layers.Sum(l => l.Count);

    /// <summary>The weights' size as dense float32.</summary>
    public long DenseBytes => Layers.Sum(l => l.Count) * 4;

    /// <summary>The weights' size as bitmap + nonzero values (see <see cref="LayerSparsity.CompressedBytes"/>).</summary>
    public long CompressedBytes => Layers.Sum(l => l.CompressedBytes);
}
