using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Softmax along an inner axis, with temperature and Darknet's hierarchical groups: gradient checks against float64 loops.</summary>
[Trait("Category", "Kernel")]
public class SoftmaxTrainingKernelTests
{
    [Theory]
    [InlineData(1, 1.0, null)]
    [InlineData(1, 2.5, null)]
    [InlineData(-1, 1.0, null)]
    [InlineData(1, 1.0, new[] { 2, 3 })]
    [InlineData(1, 0.5, new[] { 1, 3, 1 })]
    [InlineData(-1, 2.0, new[] { 1, 2 })]
    public void Backward_AxisTemperatureGroups_MatchesFiniteDifferences(int axis, double temperature, int[]? groups)
    {
        // Given a softmax over 5 values of a 2x5x3 tensor (inner stride 3 for axis 1)
        int[] shape = [2, 5, 3];
        var attributes = new List<(string, AttributeValue)> { ("axis", (long)axis), ("temperature", temperature) };
        if (groups is not null)
        {
            attributes.Add(("group_sizes", AttributeValue.FromInts(groups)));
        }

        Model model = OneNode("Softmax", [new Arg("x", shape)], [.. attributes]);

        // When / Then
        GradientCheck.Run(model, a => Softmax(a[0], shape, axis < 0 ? axis + 3 : axis, temperature, groups ?? [shape[axis < 0 ? axis + 3 : axis]]), new Options { InputScale = 3f });
    }

    internal static double[] Softmax(double[] x, int[] shape, int axis, double t, int[] groups)
    {
        int outer = shape[..axis].Aggregate(1, (p, d) => p * d), count = shape[axis], inner = shape[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < inner; j++)
            {
                int start = 0;
                foreach (int g in groups)
                {
                    double sum = 0;
                    for (int k = start; k < start + g; k++)
                    {
                        sum += Math.Exp(x[(((o * count) + k) * inner) + j] / t);
                    }

                    for (int k = start; k < start + g; k++)
                    {
                        int i = (((o * count) + k) * inner) + j;
                        y[i] = Math.Exp(x[i] / t) / sum;
                    }

                    start += g;
                }
            }
        }

        return y;
    }
}
