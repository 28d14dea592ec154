using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>The activations of Darknet's [yolo] and [region] heads (not their losses).</summary>
[Trait("Category", "Kernel")]
public class DetectionTrainingKernelTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Theory]
    [InlineData(1.0, false)]
    [InlineData(1.1, false)]
    [InlineData(2.0, true)]
    public void Yolo_ScaleAndNewCoords_MatchesFiniteDifferences(double scale, bool newCoords)
    {
        // Given a [yolo] head of 2 anchors x (3 classes + 5) channels on 3x5 cells
        Model model = OneNode("Yolo", [new Arg("x", [2, 16, 3, 5])], [("classes", 3L), ("anchors", AttributeValue.FromFloats([10, 13, 16, 30, 33, 23])), ("mask", AttributeValue.FromInts(0, 1)), ("scale_x_y", scale), ("new_coords", newCoords ? 1L : 0L)]);

        // When / Then: x, y scaled logistic; w, h raw; the rest logistic (nothing but the scaling with new_coords)
        GradientCheck.Run(model, a => [.. a[0].Select((v, i) =>
        {
            int e = i / 15 % 8;
            return e < 2 ? ((newCoords ? v : Sigmoid(v)) * scale) - (0.5 * (scale - 1))
                : e < 4 || newCoords ? v : Sigmoid(v);
        })], new Options { InputScale = 3f });
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(1, new[] { 1, 2 })]
    public void Region_SoftmaxOrLogisticOrTree_MatchesFiniteDifferences(int softmax, int[]? groups)
    {
        // Given a [region] head of 2 anchors x (4 coords + 1 + 3 classes) on 3x5 cells
        var attributes = new List<(string, AttributeValue)> { ("classes", 3L), ("coords", 4L), ("num", 2L), ("softmax", (long)softmax) };
        if (groups is not null)
        {
            attributes.Add(("group_sizes", AttributeValue.FromInts(groups)));
        }

        Model model = OneNode("Region", [new Arg("x", [2, 16, 3, 5])], [.. attributes]);

        // When / Then
        GradientCheck.Run(model, a =>
        {
            double[] x = a[0];
            var y = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int e = i / 15 % 8;
                y[i] = e is 0 or 1 or 4 ? Sigmoid(x[i]) : e < 4 ? x[i] : softmax == 0 ? Sigmoid(x[i]) : 0;
            }

            if (softmax != 0)
            {
                int[] g = groups ?? [3];
                for (int anchor = 0; anchor < 4; anchor++)
                {
                    for (int p = 0; p < 15; p++)
                    {
                        int start = 5;
                        foreach (int size in g)
                        {
                            int[] idx = [.. Enumerable.Range(start, size).Select(k => (((anchor * 8) + k) * 15) + p)];
                            double sum = idx.Sum(k => Math.Exp(x[k]));
                            foreach (int k in idx)
                            {
                                y[k] = Math.Exp(x[k]) / sum;
                            }

                            start += size;
                        }
                    }
                }
            }

            return y;
        }, new Options { InputScale = 3f });
    }
}
