using Converters.Ir;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>
/// An IR value as written to TensorFlow: the TF tensor name, the IR shape (a 4-D value is NHWC in TF), and, for a
/// flatten whose consumer's weights are permuted instead, the (C, H, W) whose H, W, C element order the TF tensor holds.
/// </summary>
internal sealed record TfTensor(string Name, TensorShape Shape, (int C, int H, int W)? HwcFlat = null);
