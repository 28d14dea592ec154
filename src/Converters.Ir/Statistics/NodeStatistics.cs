namespace Converters.Ir.Statistics;

/// <summary>One row of the layer table: a node's shapes, parameters and multiply-accumulates.</summary>
/// <param name="Index">The node's position in the graph.</param>
/// <param name="Node">The node.</param>
/// <param name="InputShapes">Shapes of the inputs that are not initializers (the activations it reads).</param>
/// <param name="OutputShapes">Shapes of its outputs.</param>
/// <param name="Parameters">Trainable values of the initializers it is first to use (weights, biases, BN scales).</param>
/// <param name="StoredValues">All values of those initializers, statistics included (what a weights file stores).</param>
/// <param name="Macs">Multiply-accumulates of one forward pass (convolution, deconvolution and Gemm; 0 for other ops).</param>
public sealed record NodeStatistics(
    int Index,
    Node Node,
    IReadOnlyList<TensorShape> InputShapes,
    IReadOnlyList<TensorShape> OutputShapes,
    long Parameters,
    long StoredValues,
    long Macs);
