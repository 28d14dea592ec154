using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>LRN across channels (odd and even windows) and within a channel.</summary>
[Trait("Category", "Kernel")]
public class LrnTrainingKernelTests
{
    [Theory]
    [InlineData("across", 5)]
    [InlineData("across", 4)]
    [InlineData("within", 3)]
    public void Backward_Regions_MatchesFiniteDifferences(string region, int size)
    {
        // Given LRN with a large alpha so the cross terms matter, on 2x5x7x5
        int[] s = [2, 5, 7, 5];
        const double alpha = 0.9, beta = 0.75, bias = 1.5;
        Model model = OneNode("LRN", [new Arg("x", s)], [("size", (long)size), ("alpha", alpha), ("beta", beta), ("bias", bias), ("region", region)]);
        int before = (size - 1) / 2, after = size / 2;

        // When / Then y = x (bias + alpha/n Σ x²)^-beta over the window (n = size or size²)
        GradientCheck.Run(model, a =>
        {
            double[] x = a[0];
            var y = new double[x.Length];
            for (int b = 0; b < s[0]; b++)
            {
                for (int c = 0; c < s[1]; c++)
                {
                    for (int h = 0; h < s[2]; h++)
                    {
                        for (int w = 0; w < s[3]; w++)
                        {
                            double sum = 0;
                            if (region == "across")
                            {
                                for (int k = Math.Max(0, c - before); k <= Math.Min(s[1] - 1, c + after); k++)
                                {
                                    sum += Math.Pow(x[(((((b * s[1]) + k) * s[2]) + h) * s[3]) + w], 2);
                                }
                            }
                            else
                            {
                                for (int hh = Math.Max(0, h - before); hh <= Math.Min(s[2] - 1, h + after); hh++)
                                {
                                    for (int ww = Math.Max(0, w - before); ww <= Math.Min(s[3] - 1, w + after); ww++)
                                    {
                                        sum += Math.Pow(x[(((((b * s[1]) + c) * s[2]) + hh) * s[3]) + ww], 2);
                                    }
                                }
                            }

                            int i = (((((b * s[1]) + c) * s[2]) + h) * s[3]) + w;
                            y[i] = x[i] * Math.Pow(bias + (alpha / (region == "across" ? size : size * size) * sum), -beta);
                        }
                    }
                }
            }

            return y;
        });
    }
}
