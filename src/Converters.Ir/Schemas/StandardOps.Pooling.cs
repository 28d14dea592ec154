namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Pooling()
    {
        yield return Pool("MaxPool", "Max over each window.");
        yield return Pool(
            "AveragePool",
            "Mean over each window.",
            AttributeSpec.Optional("count_include_pad", 0L, "1: divide by the window size including padding (Caffe); 0: by the valid pixels."));
        yield return GlobalPool("GlobalAveragePool", "Mean over H and W (Darknet [avgpool]).");
        yield return GlobalPool("GlobalMaxPool", "Max over H and W.");
    }

    private static OpSchema Pool(string opType, string summary, params AttributeSpec[] extra) => new(opType)
    {
        Summary = summary + " Output size floor((H + pads - k) / s) + 1, or with ceil_mode the Caffe rule (ceil, then drop a last window that starts in the bottom/right padding).",
        Inputs = [new("X")],
        Attributes =
        [
            AttributeSpec.Required("kernel_shape", AttributeKind.Ints, "Window (height, width)."),
            AttributeSpec.Optional("strides", s_ones2, "Stride (height, width)."),
            AttributeSpec.Optional("pads", s_zeros4, "Padding (top, left, bottom, right). Darknet maxpool: padding/2 before, the rest after."),
            AttributeSpec.Optional("ceil_mode", 0L, "1: round the output size up (Caffe)."),
            .. extra,
        ],
        InferShapes = InferPool,
    };

    private static void InferPool(InferenceContext c)
    {
        TensorShape x = RequireRank(c, 0, 4, "NCHW");
        (int kh, int kw) = PositivePair(c, "kernel_shape");
        (int sh, int sw) = PositivePair(c, "strides");
        (int pt, int pl, int pb, int pr) = Pads(c);
        bool ceil = c.GetInt("ceil_mode") != 0;
        int oh = PoolOutput(c, x[2], kh, sh, pt, pb, ceil, "height");
        int ow = PoolOutput(c, x[3], kw, sw, pl, pr, ceil, "width");
        c.SetOutput(0, TensorShape.Of(x[0], x[1], oh, ow));
    }

    /// <summary>Pool output size along one axis, with Caffe's ceil-mode clipping.</summary>
    internal static int PoolOutput(InferenceContext c, int input, int kernel, int stride, int padBefore, int padAfter, bool ceilMode, string axis)
    {
        long span = (long)input + padBefore + padAfter - kernel;
        if (span < 0)
        {
            throw c.FailAttribute("kernel_shape", $"is larger than the padded input {axis} {input + padBefore + padAfter}");
        }

        long output = ceilMode ? ((span + stride - 1) / stride) + 1 : (span / stride) + 1;
        if (ceilMode && (output - 1) * stride >= (long)input + padBefore)
        {
            output--;
        }

        return checked((int)output);
    }

    private static OpSchema GlobalPool(string opType, string summary) => new(opType)
    {
        Summary = summary,
        Inputs = [new("X")],
        InferShapes = c =>
        {
            TensorShape x = RequireRank(c, 0, 4, "NCHW");
            c.SetOutput(0, TensorShape.Of(x[0], x[1], 1, 1));
        },
    };
}
