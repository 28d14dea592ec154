using Converters.Ir;

namespace Converters.Plugins.Darknet.Weights;

/// <summary>
/// One float32 array of a <c>.weights</c> file, in file order: which layer it belongs to, its name in
/// Darknet's terms, the initializer it fills and its IR shape.
/// </summary>
/// <param name="Layer">The cfg layer index.</param>
/// <param name="LayerName">The layer as shown in messages, e.g. <c>[convolutional] #13</c>.</param>
/// <param name="ArrayName">Darknet's name: biases, scales, rolling_mean, rolling_variance, weights.</param>
/// <param name="Initializer">The IR initializer name.</param>
/// <param name="Shape">The IR shape.</param>
/// <param name="TransposedRows">For connected weights: the stored row count when the header's transpose flag is set (inputs).</param>
internal sealed record WeightSlot(int Layer, string LayerName, string ArrayName, string Initializer, TensorShape Shape, int TransposedRows = 0)
{
    public long Count => Shape.ElementCount;
}
