using Tensorflow;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>A tensor of a checkpoint: its key, element type, shape and raw little-endian row-major bytes (or strings).</summary>
/// <param name="Name">The checkpoint key (for TF1 savers, the variable's op name).</param>
/// <param name="DataType">The element type: a fixed-size type, or <c>DT_STRING</c>.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="Data">The bytes: element count × element size; empty for <c>DT_STRING</c>.</param>
/// <param name="Strings">The elements of a <c>DT_STRING</c> tensor in row-major order; <see langword="null"/> otherwise.</param>
internal sealed record CheckpointTensor(string Name, DataType DataType, long[] Shape, byte[] Data, IReadOnlyList<byte[]>? Strings = null);
