using Converters.Ir;
using Converters.Ir.Schemas;

namespace Converters.Plugins.TensorFlow.Tests.Writing;

/// <summary>One small IR model per op mapping of the writer, on a 1x4x8x8 input.</summary>
internal static class WriterCases
{
    /// <summary>
    /// Cases OpenCV 4.6 does not run as TensorFlow does: Maximum and Conv2D dilations (see the README), no PadV2
    /// (pad_value, a max pool padded with the lowest float) and no SpaceToDepth layer, a Transpose of a 4-D tensor
    /// (its result differs); a full-shape constant added to a conv output is fused into the conv as a
    /// per-channel bias and fails there.
    /// </summary>
    public static readonly IReadOnlySet<string> NotInOpenCv = new HashSet<string>(StringComparer.Ordinal)
    {
        "max_computed", "conv_dilated", "transpose", "pad_value", "maxpool_ceil_padv2",
        "space_to_depth", "add_full_constant",
    };

    public static TheoryData<string> Names() => [.. All];

    public static readonly string[] All =
    [
        "conv_same", "conv_valid_stride2", "conv_explicit_pad", "conv_depthwise", "conv_dilated", "conv_grouped",
        "deconv_valid", "deconv_same", "deconv_explicit",
        "bn_variance", "bn_stddev", "bn_2d", "scale", "relu", "relu6", "sigmoid", "tanh", "leaky", "elu",
        "maxpool_same", "maxpool_ceil_padv2", "maxpool_ceil_after_relu", "avgpool_caffe_pad", "avgpool_same", "global_avg", "global_max",
        "flatten_gemm", "flatten_output", "gemm_transb_bias", "concat_channels", "concat_height",
        "add_computed", "mul_channel", "sub_scalar", "div_channel", "add_full_constant", "max_computed", "shortcut",
        "softmax_4d", "softmax_2d", "upsample", "space_to_depth", "reshape_4d", "transpose", "pad_zero", "pad_value", "pad_reflect",
        "slice_channels", "yolo", "yolo_scale_xy", "region", "region_softmax",
    ];

    public static Model Build(string name)
    {
        var b = new IrModelBuilder(seed: name.Length + 7);
        string x = b.Input("input", 1, 4, 8, 8);
        int[] same = [1, 1, 1, 1];
        int[] none = [0, 0, 0, 0];
        string y = name switch
        {
            "conv_same" => b.Conv("conv", x, 4, 6, 3, 1, same),
            "conv_valid_stride2" => b.Conv("conv", x, 4, 6, 3, 2, none),
            "conv_explicit_pad" => b.Conv("conv", x, 4, 6, 3, 2, same),
            "conv_depthwise" => b.Conv("conv", x, 4, 8, 3, 1, same, group: 4),
            "conv_dilated" => b.Conv("conv", x, 4, 6, 3, 1, [2, 2, 2, 2], dilation: 2),
            "conv_grouped" => b.Conv("conv", x, 4, 6, 3, 1, same, group: 2),
            "deconv_valid" => Deconv(b, x, 2, none, [1, 1]),
            "deconv_same" => Deconv(b, x, 2, [0, 0, 1, 1], [0, 0]),
            "deconv_explicit" => Deconv(b, x, 2, [1, 1, 1, 1], [1, 1]),
            "bn_variance" => b.BatchNorm("bn", x, 4, StandardOps.EpsilonInsideSqrt, 1e-3),
            "bn_stddev" => b.BatchNorm("bn", x, 4, StandardOps.EpsilonAfterSqrt, 1e-6),
            "bn_2d" => b.BatchNorm("bn", Fc(b, Flat(b, x), 256, 5), 5, StandardOps.EpsilonInsideSqrt, 1e-5),
            "scale" => b.Op("scale", "Scale", [x, b.Weight("gamma", 0.5f, 1.5f, 4), b.Weight("beta", -1f, 1f, 4)], ("axis", 1L)),
            "relu" => b.Op("relu", "Relu", [x]),
            "relu6" => b.Op("relu6", "Relu6", [b.Op("mul", "Mul", [x, b.Weight("four", 4f, 4f, 1)])]),
            "sigmoid" => b.Op("sigmoid", "Sigmoid", [x]),
            "tanh" => b.Op("tanh", "Tanh", [x]),
            "leaky" => b.Op("leaky", "LeakyRelu", [x], ("alpha", 0.1)),
            "elu" => b.Op("elu", "Elu", [x], ("alpha", 1.0)),
            "maxpool_same" => Pool(b, "MaxPool", x, 2, 1, [0, 0, 1, 1], ceil: false),
            "maxpool_ceil_padv2" => Pool(b, "MaxPool", x, 3, 2, same, ceil: true),
            "maxpool_ceil_after_relu" => Pool(b, "MaxPool", b.Op("relu", "Relu", [x]), 3, 2, same, ceil: true),
            "avgpool_caffe_pad" => Pool(b, "AveragePool", x, 3, 2, same, ceil: false, includePad: true),
            "avgpool_same" => Pool(b, "AveragePool", b.Conv("conv", x, 4, 4, 2, 1, none), 2, 2, [0, 0, 1, 1], ceil: false),
            "global_avg" => b.Op("gap", "GlobalAveragePool", [x]),
            "global_max" => b.Op("gmp", "GlobalMaxPool", [x]),
            "flatten_gemm" => Fc(b, Flat(b, b.Conv("conv", x, 4, 3, 3, 2, same)), 48, 7),
            "flatten_output" => Flat(b, x),
            "gemm_transb_bias" => b.Op("fc", "Gemm", [Flat(b, b.Op("pool", "GlobalAveragePool", [x])), b.Weight("w", -1f, 1f, 9, 4), b.Weight("c", -1f, 1f, 9)], ("transB", 1L), ("alpha", 0.5), ("beta", 2.0)),
            "concat_channels" => b.Op("cat", "Concat", [b.Conv("a", x, 4, 3, 1, 1, none), b.Conv("b", x, 4, 5, 3, 1, same)], ("axis", 1L)),
            "concat_height" => b.Op("cat", "Concat", [b.Op("s", "Sigmoid", [b.Conv("c", x, 4, 4, 3, 1, same)]), b.Op("t", "Tanh", [b.Conv("d", x, 4, 4, 3, 1, same)])], ("axis", 2L)),
            "add_computed" => b.Op("sum", "Add", [b.Op("s", "Sigmoid", [x]), b.Conv("c", x, 4, 4, 3, 1, same)]),
            "mul_channel" => b.Op("prod", "Mul", [x, b.Weight("k", -2f, 2f, 4, 1, 1)]),
            "sub_scalar" => b.Op("diff", "Sub", [b.Weight("k", 0.5f, 0.5f, 1), x]),
            "div_channel" => b.Op("quot", "Div", [x, b.Weight("k", 0.5f, 2f, 1, 4, 1, 1)]),
            "add_full_constant" => b.Op("sum", "Add", [b.Conv("c", x, 4, 4, 3, 1, same), b.Weight("k", -1f, 1f, 1, 4, 8, 8)]),
            "max_computed" => b.Op("max", "Max", [x, b.Op("t", "Tanh", [x])]),
            "shortcut" => b.Op("short", "Shortcut", [b.Conv("c", x, 4, 4, 3, 1, same), x]),
            "softmax_4d" => b.Op("prob", "Softmax", [x], ("axis", 1L)),
            "softmax_2d" => b.Op("prob", "Softmax", [Fc(b, Flat(b, x), 256, 10)], ("axis", 1L)),
            "upsample" => b.Op("up", "Upsample", [x], ("scales", AttributeValue.FromInts(2, 2))),
            "space_to_depth" => b.Op("s2d", "SpaceToDepth", [b.Conv("c", x, 4, 3, 3, 1, same)], ("blocksize", 2L)),
            "reshape_4d" => b.Op("r", "Reshape", [x], ("shape", AttributeValue.FromInts(1, 8, 4, 8))),
            "transpose" => b.Op("t", "Transpose", [x], ("perm", AttributeValue.FromInts(0, 2, 1, 3))),
            "pad_zero" => b.Op("p", "Pad", [x], ("pads", AttributeValue.FromInts(0, 0, 1, 2, 0, 0, 3, 0))),
            "pad_value" => b.Op("p", "Pad", [x], ("pads", AttributeValue.FromInts(0, 0, 1, 0, 0, 0, 0, 2)), ("value", -1.5)),
            "pad_reflect" => b.Op("p", "Pad", [x], ("pads", AttributeValue.FromInts(0, 0, 1, 2, 0, 0, 2, 1)), ("mode", "reflect")),
            "slice_channels" => b.Op("s", "Slice", [b.Conv("c", x, 4, 6, 3, 1, same)], ("axes", AttributeValue.FromInts(1)), ("starts", AttributeValue.FromInts(1)), ("ends", AttributeValue.FromInts(4))),
            "yolo" => Yolo(b, x, 1.0),
            "yolo_scale_xy" => Yolo(b, x, 1.05),
            "region" => b.Op(
                "region",
                "Region",
                [b.Conv("c", x, 4, 14, 1, 1, none)],
                ("classes", 2L),
                ("coords", 4L),
                ("num", 2L),
                ("anchors", AttributeValue.FromFloats([1, 1, 2, 2])),
                ("softmax", 0L)),
            "region_softmax" => b.Op(
                "region",
                "Region",
                [b.Conv("c", x, 4, 16, 1, 1, none)],
                ("classes", 3L),
                ("coords", 4L),
                ("num", 2L),
                ("anchors", AttributeValue.FromFloats([1, 1, 2, 2])),
                ("softmax", 1L)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case"),
        };
        return b.Build(y);
    }

    private static string Deconv(IrModelBuilder b, string x, int stride, int[] pads, int[] outputPadding) =>
        b.Op(
            "deconv",
            "ConvTranspose",
            [x, b.Weight("deconv_w", -0.5f, 0.5f, 4, 3, 3, 3), b.Weight("deconv_b", -0.5f, 0.5f, 3)],
            ("strides", AttributeValue.FromInts(stride, stride)),
            ("pads", AttributeValue.FromInts(pads)),
            ("output_padding", AttributeValue.FromInts(outputPadding)));

    private static string Flat(IrModelBuilder b, string x) => b.Op(x + "_flat", "Flatten", [x], ("axis", 1L));

    private static string Fc(IrModelBuilder b, string x, int inputs, int outputs) =>
        b.Op(x + "_fc", "Gemm", [x, b.Weight(x + "_fc_w", -0.3f, 0.3f, outputs, inputs), b.Weight(x + "_fc_b", -1f, 1f, outputs)], ("transB", 1L));

    private static string Pool(IrModelBuilder b, string op, string x, int kernel, int stride, int[] pads, bool ceil, bool includePad = false)
    {
        var attributes = new List<(string, AttributeValue)>
        {
            ("kernel_shape", AttributeValue.FromInts(kernel, kernel)),
            ("strides", AttributeValue.FromInts(stride, stride)),
            ("pads", AttributeValue.FromInts(pads)),
            ("ceil_mode", ceil ? 1L : 0L),
        };
        if (op == "AveragePool")
        {
            attributes.Add(("count_include_pad", includePad ? 1L : 0L));
        }

        return b.Op("pool", op, [x], [.. attributes]);
    }

    private static string Yolo(IrModelBuilder b, string x, double scaleXy) =>
        b.Op(
            "yolo",
            "Yolo",
            [b.Conv("c", x, 4, 14, 1, 1, [0, 0, 0, 0])],
            ("classes", 2L),
            ("anchors", AttributeValue.FromFloats([10, 14, 23, 27, 37, 58])),
            ("mask", AttributeValue.FromInts(1, 2)),
            ("scale_x_y", scaleXy));
}
