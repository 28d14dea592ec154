namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Convolution()
    {
        yield return new OpSchema("Conv")
        {
            Summary = "2-D convolution, NCHW input, OIHW weights (grouped: O x I/group x H x W), optional bias.",
            Inputs = [new("X"), new("W", InputRole.Weight), new("B", InputRole.Bias, Optional: true)],
            Attributes =
            [
                AttributeSpec.Optional("strides", s_ones2, "Stride (height, width)."),
                AttributeSpec.Optional("pads", s_zeros4, "Padding (top, left, bottom, right); asymmetric allowed."),
                AttributeSpec.Optional("dilations", s_ones2, "Dilation (height, width)."),
                AttributeSpec.Optional("group", 1L, "Number of groups; input and output channels must divide by it."),
            ],
            InferShapes = InferConv,
            CountMacs = c =>
            {
                TensorShape w = c.InputShape(1);
                TensorShape y = c.OutputShape(0);
                return y.ElementCount * w[1] * w[2] * w[3];
            },
        };

        yield return new OpSchema("ConvTranspose")
        {
            Summary = "2-D transposed convolution (deconvolution); weights I x O/group x H x W.",
            Inputs = [new("X"), new("W", InputRole.Weight), new("B", InputRole.Bias, Optional: true)],
            Attributes =
            [
                AttributeSpec.Optional("strides", s_ones2, "Stride (height, width)."),
                AttributeSpec.Optional("pads", s_zeros4, "Padding removed from the output (top, left, bottom, right)."),
                AttributeSpec.Optional("dilations", s_ones2, "Dilation (height, width)."),
                AttributeSpec.Optional("group", 1L, "Number of groups."),
                AttributeSpec.Optional("output_padding", s_zeros2, "Extra rows and columns added at the bottom and right."),
            ],
            InferShapes = InferConvTranspose,
            CountMacs = c =>
            {
                TensorShape x = c.InputShape(0);
                TensorShape w = c.InputShape(1);
                return x.ElementCount * w[1] * w[2] * w[3];
            },
        };
    }

    private static void InferConv(InferenceContext c)
    {
        TensorShape x = RequireRank(c, 0, 4, "NCHW");
        TensorShape w = RequireRank(c, 1, 4, "OIHW");
        long group = Group(c, x[1]);
        if (w[0] % group != 0)
        {
            throw c.FailAttribute("group", $"does not divide output channels {w[0]}");
        }

        if (w[1] * group != x[1])
        {
            throw c.Fail($"weight shape {w} expects {w[1] * group} input channels (W[1] x group), input has {x[1]}");
        }

        CheckBias(c, 2, w[0]);
        (int sh, int sw) = PositivePair(c, "strides");
        (int dh, int dw) = PositivePair(c, "dilations");
        (int pt, int pl, int pb, int pr) = Pads(c);
        int oh = ConvOutput(c, x[2], w[2], sh, dh, pt + pb, "height");
        int ow = ConvOutput(c, x[3], w[3], sw, dw, pl + pr, "width");
        c.SetOutput(0, TensorShape.Of(x[0], w[0], oh, ow));
    }

    private static int ConvOutput(InferenceContext c, int input, int kernel, int stride, int dilation, int pad, string axis)
    {
        long effective = ((long)dilation * (kernel - 1)) + 1;
        long span = (long)input + pad - effective;
        if (span < 0)
        {
            throw c.Fail($"kernel {kernel} (dilated to {effective}) is larger than the padded input {axis} {input + pad}");
        }

        return checked((int)((span / stride) + 1));
    }

    private static void InferConvTranspose(InferenceContext c)
    {
        TensorShape x = RequireRank(c, 0, 4, "NCHW");
        TensorShape w = RequireRank(c, 1, 4, "IOHW");
        long group = Group(c, x[1]);
        if (w[0] != x[1])
        {
            throw c.Fail($"weight shape {w} expects {w[0]} input channels (W[0]), input has {x[1]}");
        }

        int outChannels = checked((int)(w[1] * group));
        CheckBias(c, 2, outChannels);
        (int sh, int sw) = PositivePair(c, "strides");
        (int dh, int dw) = PositivePair(c, "dilations");
        (int pt, int pl, int pb, int pr) = Pads(c);
        System.Collections.Immutable.ImmutableArray<long> op = c.GetInts("output_padding");
        if (op.Length != 2 || op[0] < 0 || op[1] < 0)
        {
            throw c.FailAttribute("output_padding", "must be 2 non-negative values (height, width)");
        }

        long oh = ((long)(x[2] - 1) * sh) - pt - pb + ((long)dh * (w[2] - 1)) + op[0] + 1;
        long ow = ((long)(x[3] - 1) * sw) - pl - pr + ((long)dw * (w[3] - 1)) + op[1] + 1;
        if (oh <= 0 || ow <= 0)
        {
            throw c.FailAttribute("pads", $"leave an empty output ({oh}x{ow})");
        }

        c.SetOutput(0, TensorShape.Of(x[0], outChannels, checked((int)oh), checked((int)ow)));
    }

    /// <summary>The 'group' attribute, checked to be positive and to divide <paramref name="inputChannels"/>.</summary>
    private static long Group(InferenceContext c, int inputChannels)
    {
        long group = c.GetInt("group");
        if (group <= 0)
        {
            throw c.FailAttribute("group", "must be positive");
        }

        if (inputChannels % group != 0)
        {
            throw c.FailAttribute("group", $"does not divide input channels {inputChannels}");
        }

        return group;
    }

    /// <summary>Checks an optional per-channel parameter input is a vector of <paramref name="channels"/>.</summary>
    private static void CheckBias(InferenceContext c, int index, int channels)
    {
        if (!c.HasInput(index))
        {
            return;
        }

        TensorShape b = c.InputShape(index);
        if (b.Rank != 1 || b[0] != channels)
        {
            string name = c.Schema.InputAt(index)?.Name ?? "?";
            throw c.Fail($"input '{name}' must have shape {channels}, got {b}");
        }
    }
}
