using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>ConvTranspose with trainable weights and bias: groups, strides, dilations, asymmetric pads.</summary>
[Trait("Category", "Kernel")]
public class ConvTransposeTrainingKernelTests
{
    [Theory]
    [InlineData(2, 2, 1, 1, 2, 1, 0, 0, 1, true, 0)]
    [InlineData(1, 1, 1, 1, 1, 0, 0, 0, 0, false, 0)]
    [InlineData(1, 2, 2, 2, 1, 0, 1, 1, 0, true, 0)]
    [InlineData(1, 2, 2, 1, 1, 1, 1, 1, 1, true, 1)]
    public void Backward_GroupsStridesPads_MatchesFiniteDifferences(int group, int sh, int sw, int dh, int dw, int pt, int pl, int pb, int pr, bool bias, int outputPadding)
    {
        // Given a deconvolution of 2x4x3x5 with IOHW weights 4 x 3 x 3 x 2 (O = 3 group)
        const int b = 2, ic = 4, h = 3, w = 5, og = 3, kh = 3, kw = 2;
        int oc = og * group;
        int oh = ((h - 1) * sh) - pt - pb + (dh * (kh - 1)) + 1 + outputPadding, ow = ((w - 1) * sw) - pl - pr + (dw * (kw - 1)) + 1 + outputPadding;
        Arg[] args = bias
            ? [new Arg("x", [b, ic, h, w]), new Arg("W", [ic, og, kh, kw], Initializer: true), new Arg("B", [oc], Initializer: true)]
            : [new Arg("x", [b, ic, h, w]), new Arg("W", [ic, og, kh, kw], Initializer: true)];
        Model model = OneNode("ConvTranspose", args, [("group", (long)group), ("strides", AttributeValue.FromInts(sh, sw)), ("dilations", AttributeValue.FromInts(dh, dw)), ("pads", AttributeValue.FromInts(pt, pl, pb, pr)), ("output_padding", AttributeValue.FromInts(outputPadding, outputPadding))]);

        // When / Then: every input pixel scatters x W into the output
        Report report = GradientCheck.Run(model, a =>
        {
            double[] x = a[0], wt = a[1];
            var y = new double[b * oc * oh * ow];
            for (int n = 0; n < b; n++)
            {
                for (int o = 0; o < oc; o++)
                {
                    for (int i = 0; i < oh * ow; i++)
                    {
                        y[(((n * oc) + o) * oh * ow) + i] = bias ? a[2][o] : 0;
                    }
                }

                for (int c = 0; c < ic; c++)
                {
                    int g = c / (ic / group);
                    for (int iy = 0; iy < h; iy++)
                    {
                        for (int ix = 0; ix < w; ix++)
                        {
                            for (int o = 0; o < og; o++)
                            {
                                for (int ky = 0; ky < kh; ky++)
                                {
                                    for (int kx = 0; kx < kw; kx++)
                                    {
                                        int yy = (iy * sh) - pt + (ky * dh), xx = (ix * sw) - pl + (kx * dw);
                                        if (yy >= 0 && yy < oh && xx >= 0 && xx < ow)
                                        {
                                            y[(((((n * oc) + (g * og) + o) * oh) + yy) * ow) + xx] += x[(((((n * ic) + c) * h) + iy) * w) + ix] * wt[(((((c * og) + o) * kh) + ky) * kw) + kx];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }

            return y;
        }, new Options { MaxThreads = group });
        report.GradientErrors.Count.ShouldBe(bias ? 3 : 2);
    }
}
