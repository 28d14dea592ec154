namespace Converters.Pruning.Dependency;

/// <summary>
/// One tensor axis whose entries follow the channels of a <see cref="PruningGroup"/>: group channel
/// <c>i</c> in <c>[First, First + Count)</c> owns the indices
/// <c>[Offset + (i − First)·Block, Offset + (i − First + 1)·Block)</c> along <see cref="Axis"/> of
/// <see cref="TensorName"/> (a slice or a route group carries only part of a group's channels).
/// </summary>
/// <param name="Kind">What the tensor is to the channels.</param>
/// <param name="NodeName">The node that reads or computes the tensor.</param>
/// <param name="InputIndex">
/// Which input of <paramref name="NodeName"/> the tensor is (for parameters: 1 = weight or BN scale,
/// 2 = bias or BN bias, …); -1 for an <see cref="SlotKind.Activation"/> that is the node's output.
/// </param>
/// <param name="TensorName">An initializer name (parameters) or a value name (activations).</param>
/// <param name="Axis">The axis the channels run along.</param>
/// <param name="Offset">Where channel <paramref name="First"/> starts on that axis (concat/route offset mapping).</param>
/// <param name="Block">Consecutive entries per channel (1, or H·W for a flatten followed by a fully connected layer).</param>
/// <param name="First">The first group channel the tensor carries.</param>
/// <param name="Count">How many consecutive group channels the tensor carries.</param>
public sealed record ChannelSlot(SlotKind Kind, string NodeName, int InputIndex, string TensorName, int Axis, int Offset, int Block, int First, int Count)
{
    /// <summary>The index range along <see cref="Axis"/> owned by group channel <paramref name="channel"/>, or null when the tensor does not carry it.</summary>
    public Range? IndicesOf(int channel) =>
        channel < First || channel >= First + Count ? null : new Range(Offset + ((channel - First) * Block), Offset + ((channel - First + 1) * Block));
}
