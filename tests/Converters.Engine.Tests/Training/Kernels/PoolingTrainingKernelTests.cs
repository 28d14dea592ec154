using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>MaxPool, AveragePool and the global pools: gradient checks against naive float64 window loops at odd shapes.</summary>
[Trait("Category", "Kernel")]
public class PoolingTrainingKernelTests
{
    [Theory]
    [InlineData(3, 2, 2, 2, 1, 0, 1, 1, 1)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1)]
    [InlineData(3, 3, 2, 1, 1, 1, 1, 1, 2)]
    public void MaxPool_OddShape_MatchesFiniteDifferences(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int threads)
    {
        // Given a max pool with windows that leave remainders on a 2x3x7x5 input
        int[] shape = [2, 3, 7, 5];
        Model model = OneNode("MaxPool", [new Arg("x", shape)], Attributes(kh, kw, sh, sw, pt, pl, pb, pr));

        // When / Then the gradient reaches the window maxima only
        GradientCheck.Run(model, a => Pool(a[0], shape, kh, kw, sh, sw, pt, pl, pb, pr, max: true, includePad: false), new Options { MaxThreads = threads });
    }

    [Theory]
    [InlineData(3, 2, 2, 2, 1, 0, 1, 1, false)]
    [InlineData(3, 2, 2, 2, 1, 0, 1, 1, true)]
    [InlineData(3, 3, 3, 3, 1, 1, 1, 1, true)]
    public void AveragePool_OddShape_MatchesFiniteDifferences(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool includePad)
    {
        // Given an average pool with clipped windows, counting or not counting the padding
        int[] shape = [2, 3, 7, 5];
        Model model = OneNode("AveragePool", [new Arg("x", shape)], [.. Attributes(kh, kw, sh, sw, pt, pl, pb, pr), ("count_include_pad", includePad ? 1L : 0L)]);

        // When / Then
        GradientCheck.Run(model, a => Pool(a[0], shape, kh, kw, sh, sw, pt, pl, pb, pr, max: false, includePad), new Options { MaxThreads = 2 });
    }

    [Theory]
    [InlineData("GlobalAveragePool")]
    [InlineData("GlobalMaxPool")]
    public void GlobalPool_OddShape_MatchesFiniteDifferences(string op)
    {
        // Given a global pool over 7x5 planes of 2x3 channels
        int[] shape = [2, 3, 7, 5];
        Model model = OneNode(op, [new Arg("x", shape)], []);

        // When / Then
        GradientCheck.Run(model, a => [.. a[0].Chunk(35).Select(p => op == "GlobalMaxPool" ? p.Max() : p.Average())]);
    }

    internal static (string, AttributeValue)[] Attributes(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr) =>
        [("kernel_shape", AttributeValue.FromInts(kh, kw)), ("strides", AttributeValue.FromInts(sh, sw)), ("pads", AttributeValue.FromInts(pt, pl, pb, pr))];

    /// <summary>Naive pooling: floor output size, windows clipped to the image, average divided by the valid or the clipped padded count.</summary>
    internal static double[] Pool(double[] x, int[] s, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool max, bool includePad)
    {
        int h = s[2], w = s[3];
        int oh = ((h + pt + pb - kh) / sh) + 1, ow = ((w + pl + pr - kw) / sw) + 1;
        var y = new double[s[0] * s[1] * oh * ow];
        for (int p = 0; p < s[0] * s[1]; p++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int valid = 0;
                    for (int i = 0; i < kh; i++)
                    {
                        for (int j = 0; j < kw; j++)
                        {
                            int yy = (oy * sh) - pt + i, xx = (ox * sw) - pl + j;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                            {
                                double v = x[(p * h * w) + (yy * w) + xx];
                                best = Math.Max(best, v);
                                sum += v;
                                valid++;
                            }
                        }
                    }

                    int y0 = (oy * sh) - pt, x0 = (ox * sw) - pl;
                    int padded = (Math.Min(y0 + kh, h + pb) - y0) * (Math.Min(x0 + kw, w + pr) - x0);
                    y[(((p * oh) + oy) * ow) + ox] = max ? best : sum / (includePad ? padded : valid);
                }
            }
        }

        return y;
    }
}
