using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Darknet [shortcut]: same-shape, strided and sampled inputs with alpha/beta, and AlexeyAB's weighted sums.</summary>
[Trait("Category", "Kernel")]
public class ShortcutTrainingKernelTests
{
    public static TheoryData<int[][], double, double> Unweighted() => new()
    {
        { [[2, 3, 6, 4], [2, 3, 6, 4]], 1.0, 1.0 },
        { [[2, 3, 6, 4], [2, 5, 3, 2]], 0.7, 0.4 },
        { [[2, 3, 6, 4], [2, 2, 12, 8]], 1.0, 0.4 },
        { [[2, 3, 6, 4], [2, 3, 6, 4], [2, 4, 12, 8]], 0.7, 1.3 },
    };

    [Theory]
    [MemberData(nameof(Unweighted))]
    public void Backward_Unweighted_MatchesFiniteDifferences(int[][] shapes, double alpha, double beta)
    {
        // Given a shortcut of X0 with inputs of the same or other sizes (pjreddie's strided overlap)
        Arg[] args = [.. shapes.Select((s, i) => new Arg($"x{i}", s))];
        Model model = OneNode("Shortcut", args, [("alpha", alpha), ("beta", beta)]);

        // When / Then
        GradientCheck.Run(model, a => Reference(a, shapes, alpha, beta));
    }

    [Theory]
    [InlineData("per_feature", "none")]
    [InlineData("per_feature", "relu")]
    [InlineData("per_channel", "softmax")]
    public void Backward_Weighted_MatchesFiniteDifferences(string type, string normalization)
    {
        // Given AlexeyAB's weighted shortcut of three inputs, the third smaller than X0
        int[][] shapes = [[2, 3, 6, 4], [2, 3, 6, 4], [2, 2, 6, 4]];
        int count = type == "per_channel" ? 9 : 3;
        float[] weights = Grid(count, 5, 0.8f, 0.3f);
        Model model = OneNode("Shortcut", [new Arg("x0", shapes[0]), new Arg("x1", shapes[1]), new Arg("x2", shapes[2]), new Arg("w", [count], Initializer: true, Values: weights)], [("weights_type", type), ("weights_normalization", normalization)]);

        // When / Then: out = Σ w_l X_l per flat element, X_l only where its flat index exists
        GradientCheck.Run(model, a =>
        {
            double[] w = a[3];
            int src = 72;
            var y = new double[2 * src];
            for (int b = 0; b < 2; b++)
            {
                for (int i = 0; i < src; i++)
                {
                    int ch = type == "per_channel" ? i / 24 : 0, step = type == "per_channel" ? 3 : 1;
                    double[] wl = [.. Enumerable.Range(0, 3).Select(l => w[ch + (l * step)])];
                    if (normalization == "relu")
                    {
                        double sum = 1e-4 + wl.Sum(v => Math.Max(v, 0));
                        wl = [.. wl.Select(v => Math.Max(v, 0) / sum)];
                    }
                    else if (normalization == "softmax")
                    {
                        double max = wl.Max(), sum = 1e-4 + wl.Sum(v => Math.Exp(v - max));
                        wl = [.. wl.Select(v => Math.Exp(v - max) / sum)];
                    }

                    double acc = a[0][(b * src) + i] * wl[0];
                    acc += a[1][(b * src) + i] * wl[1];
                    if (i < 48)
                    {
                        acc += a[2][(b * 48) + i] * wl[2];
                    }

                    y[(b * src) + i] = acc;
                }
            }

            return y;
        });
    }

    /// <summary>pjreddie's shortcut: out = X0, then per further input a full add or the strided overlap update.</summary>
    private static double[] Reference(double[][] a, int[][] shapes, double alpha, double beta)
    {
        int[] s0 = shapes[0];
        double[] y = (double[])a[0].Clone();
        for (int i = 1; i < shapes.Length; i++)
        {
            int[] si = shapes[i];
            if (si.SequenceEqual(s0) && (i > 1 || alpha == 1))
            {
                for (int e = 0; e < y.Length; e++)
                {
                    y[e] += beta * a[i][e];
                }

                continue;
            }

            double s1 = i == 1 ? alpha : 1;
            int stride = Math.Max(si[3] / s0[3], 1), sample = Math.Max(s0[3] / si[3], 1);
            for (int b = 0; b < s0[0]; b++)
            {
                for (int k = 0; k < Math.Min(si[1], s0[1]); k++)
                {
                    for (int j = 0; j < Math.Min(si[2], s0[2]); j++)
                    {
                        for (int x = 0; x < Math.Min(si[3], s0[3]); x++)
                        {
                            int o = (((((b * s0[1]) + k) * s0[2]) + (j * sample)) * s0[3]) + (x * sample);
                            int p = (((((b * si[1]) + k) * si[2]) + (j * stride)) * si[3]) + (x * stride);
                            y[o] = (s1 * y[o]) + (beta * a[i][p]);
                        }
                    }
                }
            }
        }

        return y;
    }
}
