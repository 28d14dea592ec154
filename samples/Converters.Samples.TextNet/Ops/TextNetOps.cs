namespace Converters.Samples.TextNet.Ops;

/// <summary>The ops TextNet supports, by name. Names and attribute meanings are the IR's (src/Converters.Ir/Schemas).</summary>
internal static class TextNetOps
{
    private static readonly OpKey s_stride = new("stride", "strides", KeySyntax.Pair);
    private static readonly OpKey s_pad = new("pad", "pads", KeySyntax.Pads);
    private static readonly OpKey s_axis = new("axis", "axis", KeySyntax.Int);
    private static readonly OpKey s_alpha = new("alpha", "alpha", KeySyntax.Float);
    private static readonly OpKey s_bias = new("bias", null, KeySyntax.Bool);

    private static readonly Dictionary<string, TextNetOp> s_ops = new TextNetOp[]
    {
        new("Conv", ParameterStyle.Conv,
            new OpKey("filters", null, KeySyntax.PositiveInt), new OpKey("kernel", null, KeySyntax.Pair), s_bias,
            s_stride, s_pad, new OpKey("dilation", "dilations", KeySyntax.Pair), new OpKey("group", "group", KeySyntax.PositiveInt)),
        new("BatchNormalization", ParameterStyle.BatchNorm,
            new OpKey("epsilon", "epsilon", KeySyntax.Float), new OpKey("epsilon_mode", "epsilon_mode", KeySyntax.Word)),
        new("Gemm", ParameterStyle.Gemm,
            new OpKey("units", null, KeySyntax.PositiveInt), s_bias,
            new OpKey("trans_a", "transA", KeySyntax.Bool), new OpKey("trans_b", "transB", KeySyntax.Bool),
            s_alpha, new OpKey("beta", "beta", KeySyntax.Float)),
        new("Relu", ParameterStyle.None),
        new("LeakyRelu", ParameterStyle.None, s_alpha),
        new("Sigmoid", ParameterStyle.None),
        new("Tanh", ParameterStyle.None),
        new("Mish", ParameterStyle.None),
        new("Swish", ParameterStyle.None),
        new("Relu6", ParameterStyle.None),
        new("HardSigmoid", ParameterStyle.None, s_alpha, new OpKey("beta", "beta", KeySyntax.Float)),
        new("Elu", ParameterStyle.None, s_alpha),
        new("Identity", ParameterStyle.None),
        new("Dropout", ParameterStyle.None, new OpKey("ratio", "ratio", KeySyntax.Float)),
        new("MaxPool", ParameterStyle.None, new OpKey("kernel", "kernel_shape", KeySyntax.Pair), s_stride, s_pad, new OpKey("ceil", "ceil_mode", KeySyntax.Bool)),
        new("AveragePool", ParameterStyle.None,
            new OpKey("kernel", "kernel_shape", KeySyntax.Pair), s_stride, s_pad, new OpKey("ceil", "ceil_mode", KeySyntax.Bool),
            new OpKey("count_include_pad", "count_include_pad", KeySyntax.Bool)),
        new("GlobalAveragePool", ParameterStyle.None),
        new("GlobalMaxPool", ParameterStyle.None),
        new("Add", ParameterStyle.None),
        new("Sub", ParameterStyle.None),
        new("Mul", ParameterStyle.None),
        new("Div", ParameterStyle.None),
        new("Max", ParameterStyle.None),
        new("Min", ParameterStyle.None),
        new("Concat", ParameterStyle.None, s_axis),
        new("Flatten", ParameterStyle.None, s_axis),
        new("Softmax", ParameterStyle.None, s_axis),
        new("Upsample", ParameterStyle.None, new OpKey("scale", "scales", KeySyntax.Pair), new OpKey("mode", "mode", KeySyntax.Word)),
    }.ToDictionary(op => op.Name, StringComparer.Ordinal);

    /// <summary>The supported op names, sorted, for error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_ops.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The op named <paramref name="name"/> (case-sensitive), or null.</summary>
    public static TextNetOp? Find(string name) => s_ops.GetValueOrDefault(name);
}
