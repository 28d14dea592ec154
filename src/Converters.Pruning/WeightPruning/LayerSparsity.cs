namespace Converters.Pruning.WeightPruning;

/// <summary>One weight tensor after magnitude pruning.</summary>
/// <param name="Node">The layer.</param>
/// <param name="Tensor">The weight initializer.</param>
/// <param name="Count">Its values.</param>
/// <param name="Zeros">How many are zero (pruned, or zero before).</param>
/// <param name="CompressedBytes">Stored as a bitmap of nonzeros plus the nonzero float32 values: ⌈Count/8⌉ + 4·(Count − Zeros).</param>
public sealed record LayerSparsity(string Node, string Tensor, long Count, long Zeros, long CompressedBytes)
{
    /// <summary>The fraction of zeros.</summary>
    public double Sparsity => Count == 0 ? 0 : (double)Zeros / Count;
}
