using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>
/// The data-movement ops (Concat and Split, Upsample, and the index-map kernel of Slice, Transpose,
/// Pad, Reorg, SpaceToDepth, DepthToSpace): gradient checks against float64 references written from
/// each op's definition.
/// </summary>
[Trait("Category", "Kernel")]
public class LayoutTrainingKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Concat_ThreeInputs_MatchesFiniteDifferences(int axis)
    {
        // Given three inputs of different sizes along the joined axis
        int[][] shapes = axis == 1 ? [[2, 1, 7, 5], [2, 3, 7, 5], [2, 2, 7, 5]] : [[2, 3, 7, 1], [2, 3, 7, 4], [2, 3, 7, 2]];
        Model model = OneNode("Concat", [new Arg("a", shapes[0]), new Arg("b", shapes[1]), new Arg("c", shapes[2])], [("axis", (long)axis)]);
        int ax = axis < 0 ? axis + 4 : axis;
        int outer = shapes[0][..ax].Aggregate(1, (p, d) => p * d);

        // When / Then: per outer index, the blocks of a, b, c follow each other
        GradientCheck.Run(model, a =>
        {
            var y = new List<double>();
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < 3; i++)
                {
                    int block = a[i].Length / outer;
                    y.AddRange(a[i][(o * block)..((o + 1) * block)]);
                }
            }

            return [.. y];
        });
    }

    [Fact]
    public void Split_UnequalParts_MatchesFiniteDifferences()
    {
        // Given a split of 3 channels into 1 and 2
        Model model = OneNode("Split", [new Arg("x", [2, 3, 7, 5])], [("axis", 1L), ("split", AttributeValue.FromInts(1, 2))], outputs: 2);

        // When / Then: the outputs concatenated are channel 0, then channels 1-2, per batch item
        GradientCheck.Run(model, a =>
        [
            .. a[0][0..35], .. a[0][105..140],
            .. a[0][35..105], .. a[0][140..210],
        ]);
    }

    [Fact]
    public void Slice_NegativeStartAndSteps_MatchesFiniteDifferences()
    {
        // Given x[:, 1:3, -6:7:2, 0:5:2]
        Model model = OneNode("Slice", [new Arg("x", [2, 3, 7, 5])], [("axes", AttributeValue.FromInts(1, 2, 3)), ("starts", AttributeValue.FromInts(1, -6, 0)), ("ends", AttributeValue.FromInts(3, 7, 5)), ("steps", AttributeValue.FromInts(1, 2, 2))]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            var y = new List<double>();
            for (int n = 0; n < 2; n++)
            {
                for (int c = 1; c < 3; c++)
                {
                    for (int h = 1; h < 7; h += 2)
                    {
                        for (int w = 0; w < 5; w += 2)
                        {
                            y.Add(a[0][(((((n * 3) + c) * 7) + h) * 5) + w]);
                        }
                    }
                }
            }

            return [.. y];
        });
    }

    [Fact]
    public void Transpose_NchwToNhwc_MatchesFiniteDifferences()
    {
        // Given perm (0, 2, 3, 1)
        Model model = OneNode("Transpose", [new Arg("x", [2, 3, 7, 5])], [("perm", AttributeValue.FromInts(0, 2, 3, 1))]);

        // When / Then y[n, h, w, c] = x[n, c, h, w]
        GradientCheck.Run(model, a =>
        {
            var y = new double[210];
            for (int n = 0; n < 2; n++)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int h = 0; h < 7; h++)
                    {
                        for (int w = 0; w < 5; w++)
                        {
                            y[(((((n * 7) + h) * 5) + w) * 3) + c] = a[0][(((((n * 3) + c) * 7) + h) * 5) + w];
                        }
                    }
                }
            }

            return y;
        });
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("reflect")]
    [InlineData("edge")]
    public void Pad_EveryMode_MatchesFiniteDifferences(string mode)
    {
        // Given pads of (0, 1, 2, 1) before and (0, 0, 1, 2) after on 2x3x7x5, constant value 0.5
        int[] begin = [0, 1, 2, 1], end = [0, 0, 1, 2], shape = [2, 3, 7, 5];
        Model model = OneNode("Pad", [new Arg("x", shape)], [("pads", AttributeValue.FromInts([.. begin, .. end])), ("mode", mode), ("value", 0.5)]);
        int[] o = [.. shape.Select((d, i) => d + begin[i] + end[i])];

        // When / Then each output reads the source index folded back per the mode
        GradientCheck.Run(model, a =>
        {
            var y = new double[o.Aggregate(1, (p, d) => p * d)];
            var idx = new int[4];
            for (int i = 0; i < y.Length; i++)
            {
                int rest = i, flat = 0;
                bool outside = false;
                for (int d = 3; d >= 0; d--)
                {
                    idx[d] = (rest % o[d]) - begin[d];
                    rest /= o[d];
                    int n = shape[d], v = idx[d];
                    outside |= v < 0 || v >= n;
                    idx[d] = mode switch
                    {
                        "reflect" => v < 0 ? -v : v >= n ? (2 * (n - 1)) - v : v,
                        "edge" => Math.Clamp(v, 0, n - 1),
                        _ => v,
                    };
                }

                for (int d = 0; d < 4; d++)
                {
                    flat = (flat * shape[d]) + idx[d];
                }

                y[i] = mode == "constant" && outside ? 0.5 : a[0][flat];
            }

            return y;
        });
    }

    [Fact]
    public void Upsample_UnequalScales_MatchesFiniteDifferences()
    {
        // Given nearest upsampling by 2 x 3: every input pixel feeds 6 outputs
        Model model = OneNode("Upsample", [new Arg("x", [2, 3, 7, 5])], [("scales", AttributeValue.FromInts(2, 3))]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            var y = new double[6 * 14 * 15];
            for (int p = 0; p < 6; p++)
            {
                for (int h = 0; h < 14; h++)
                {
                    for (int w = 0; w < 15; w++)
                    {
                        y[(((p * 14) + h) * 15) + w] = a[0][(((p * 7) + (h / 2)) * 5) + (w / 3)];
                    }
                }
            }

            return y;
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reorg_DarknetOrder_MatchesFiniteDifferences(bool reverse)
    {
        // Given Darknet's reorg (stride 2) on 2x8x6x4: out[i + W(j + H k)] = in[w2 + W s (h2 + H s c2)],
        // c2 = k mod C/s², o = k div C/s², h2 = j s + o div s, w2 = i s + o mod s (reverse: the other way round)
        const int b = 2, c = 8, h = 6, w = 4, s = 2;
        Model model = OneNode("Reorg", [new Arg("x", [b, c, h, w])], [("stride", (long)s), ("reverse", reverse ? 1L : 0L)]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            var y = new double[b * c * h * w];
            int size = c * h * w, outC = c / (s * s);
            for (int n = 0; n < b; n++)
            {
                for (int k = 0; k < c; k++)
                {
                    for (int j = 0; j < h; j++)
                    {
                        for (int i = 0; i < w; i++)
                        {
                            int c2 = k % outC, off = k / outC;
                            int h2 = (j * s) + (off / s), w2 = (i * s) + (off % s);
                            int inIndex = (n * size) + i + (w * (j + (h * k)));
                            int outIndex = (n * size) + w2 + (w * s * (h2 + (h * s * c2)));
                            if (reverse)
                            {
                                y[outIndex] = a[0][inIndex];
                            }
                            else
                            {
                                y[inIndex] = a[0][outIndex];
                            }
                        }
                    }
                }
            }

            return y;
        });
    }

    [Fact]
    public void SpaceToDepth_Block2_MatchesFiniteDifferences()
    {
        // Given TF SpaceToDepth: out[n, (by b + bx) C + c, y, x] = in[n, c, y b + by, x b + bx]
        const int bs = 2, c = 3, h = 6, w = 4;
        Model model = OneNode("SpaceToDepth", [new Arg("x", [2, c, h, w])], [("blocksize", (long)bs)]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            var y = new double[a[0].Length];
            for (int n = 0; n < 2; n++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    for (int yy = 0; yy < h; yy++)
                    {
                        for (int xx = 0; xx < w; xx++)
                        {
                            int oc = ((((yy % bs) * bs) + (xx % bs)) * c) + ch;
                            y[(((((n * c * 4) + oc) * (h / bs)) + (yy / bs)) * (w / bs)) + (xx / bs)] = a[0][(((((n * c) + ch) * h) + yy) * w) + xx];
                        }
                    }
                }
            }

            return y;
        });
    }

    [Theory]
    [InlineData("DCR")]
    [InlineData("CRD")]
    public void DepthToSpace_BothModes_MatchesFiniteDifferences(string mode)
    {
        // Given DepthToSpace block 2 on 2x8x3x5: out[n, c, y b + by, x b + bx] = in[n, channel, y, x]
        const int bs = 2, c = 8, h = 3, w = 5, oc = c / 4;
        Model model = OneNode("DepthToSpace", [new Arg("x", [2, c, h, w])], [("blocksize", (long)bs), ("mode", mode)]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            var y = new double[a[0].Length];
            for (int n = 0; n < 2; n++)
            {
                for (int ch = 0; ch < oc; ch++)
                {
                    for (int yy = 0; yy < h * bs; yy++)
                    {
                        for (int xx = 0; xx < w * bs; xx++)
                        {
                            int by = yy % bs, bx = xx % bs;
                            int ic = mode == "CRD" ? (ch * 4) + (by * bs) + bx : (((by * bs) + bx) * oc) + ch;
                            y[(((((n * oc) + ch) * h * bs) + yy) * w * bs) + xx] = a[0][(((((n * c) + ic) * h) + (yy / bs)) * w) + (xx / bs)];
                        }
                    }
                }
            }

            return y;
        });
    }
}
