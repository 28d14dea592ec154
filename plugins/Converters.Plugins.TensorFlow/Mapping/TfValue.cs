using Converters.Ir;

namespace Converters.Plugins.TensorFlow.Mapping;

/// <summary>
/// A TensorFlow tensor as imported: its IR value (empty for a Const not yet used as data), its IR shape
/// (4-D values are always NCHW in the IR), whether TensorFlow sees it as NHWC, and a Const's value in TF layout.
/// </summary>
internal sealed record TfValue(string Ir, TensorShape Shape, bool Nhwc, TensorData? Constant);
