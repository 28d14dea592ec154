namespace Converters.Pruning.Dependency;

/// <summary>
/// One tensor axis whose entries follow the channels of a <see cref="PruningGroup"/>: group channel
/// <c>i</c> owns the indices <c>[Offset + i·Block, Offset + (i+1)·Block)</c> along <see cref="Axis"/>
/// of <see cref="TensorName"/>.
/// </summary>
/// <param name="Kind">What the tensor is to the channels.</param>
/// <param name="NodeName">The node that reads or computes the tensor.</param>
/// <param name="InputIndex">
/// Which input of <paramref name="NodeName"/> the tensor is (for parameters: 1 = weight or BN scale,
/// 2 = bias or BN bias, …); -1 for an <see cref="SlotKind.Activation"/> that is the node's output.
/// </param>
/// <param name="TensorName">An initializer name (parameters) or a value name (activations).</param>
/// <param name="Axis">The axis the channels run along.</param>
/// <param name="Offset">Where the group's first channel starts on that axis (concat/route offset mapping).</param>
/// <param name="Block">Consecutive entries per channel (1, or H·W for a flatten followed by a fully connected layer).</param>
public sealed record ChannelSlot(SlotKind Kind, string NodeName, int InputIndex, string TensorName, int Axis, int Offset = 0, int Block = 1);
