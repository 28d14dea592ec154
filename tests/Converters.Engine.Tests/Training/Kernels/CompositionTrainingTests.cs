using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Small conv-free stacks through the gradient check: gradients flow through several kernels and add where a value has two consumers.</summary>
[Trait("Category", "Kernel")]
public class CompositionTrainingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PoolReluGlobalPoolSoftmax_Stack_MatchesFiniteDifferences(int threads)
    {
        // Given x (2x3x7x5) → MaxPool 3x3/2 pad 1 → Scale (trainable) → Relu → GlobalAveragePool → Flatten → Softmax
        var graph = new Graph { Name = "stack" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 3, 7, 5)));
        graph.AddInitializer("s", TensorData.Create(TensorShape.Of(3), new[] { 0.8f, -1.2f, 1.5f }));
        graph.AddInitializer("b", TensorData.Create(TensorShape.Of(3), new[] { 0.1f, 0.05f, -0.2f }));
        graph.Add(new Node("MaxPool", "pool", ["x"], ["p"]).With("kernel_shape", AttributeValue.FromInts(3, 3)).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("Scale", "scale", ["p", "s", "b"], ["q"]));
        graph.Add(new Node("Relu", "relu", ["q"], ["r"]));
        graph.Add(new Node("GlobalAveragePool", "gap", ["r"], ["g"]));
        graph.Add(new Node("Flatten", "flat", ["g"], ["f"]));
        graph.Add(new Node("Softmax", "softmax", ["f"], ["y"]).With("axis", 1L));
        graph.Outputs.Add("y");

        // When / Then
        Report report = GradientCheck.Run(new Model(graph), a =>
        {
            double[] p = PoolingTrainingKernelTests.Pool(a[0], [2, 3, 7, 5], 3, 3, 2, 2, 1, 1, 1, 1, max: true, includePad: false);
            double[] r = [.. p.Select((v, i) => Math.Max(0, (v * a[1][i / 12 % 3]) + a[2][i / 12 % 3]))];
            double[] g = [.. r.Chunk(12).Select(c => c.Average())];
            return SoftmaxTrainingKernelTests.Softmax(g, [2, 3], 1, 1, [3]);
        }, new Options { MaxThreads = threads });
        report.GradientErrors.Keys.ShouldBe(["x", "s", "b"], ignoreOrder: true);
    }

    [Fact]
    public void ResidualUpsampleConcat_TwoConsumers_GradientsAdd()
    {
        // Given x → LeakyRelu → Shortcut(+x) → Upsample 2 → Concat(with x upsampled by Upsample) → PRelu (trainable) → Sigmoid
        var graph = new Graph { Name = "residual" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 3, 4, 3)));
        graph.AddInitializer("slope", TensorData.Create(TensorShape.Of(6), new[] { 0.1f, 0.2f, -0.3f, 0.4f, 0.5f, 0.25f }));
        graph.Add(new Node("LeakyRelu", "leaky", ["x"], ["l"]).With("alpha", 0.1));
        graph.Add(new Node("Shortcut", "res", ["l", "x"], ["s"]));
        graph.Add(new Node("Upsample", "up1", ["s"], ["u1"]).With("scales", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("Upsample", "up2", ["x"], ["u2"]).With("scales", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("Concat", "cat", ["u1", "u2"], ["c"]).With("axis", 1L));
        graph.Add(new Node("PRelu", "prelu", ["c", "slope"], ["p"]));
        graph.Add(new Node("Sigmoid", "sig", ["p"], ["y"]));
        graph.Outputs.Add("y");

        // When / Then
        GradientCheck.Run(new Model(graph), a =>
        {
            double[] x = a[0], slope = a[1];
            double[] s = [.. x.Select(v => (v > 0 ? v : 0.1 * v) + v)];
            var y = new double[2 * 6 * 8 * 6];
            for (int n = 0; n < 2; n++)
            {
                for (int c = 0; c < 6; c++)
                {
                    double[] src = c < 3 ? s : x;
                    for (int h = 0; h < 8; h++)
                    {
                        for (int w = 0; w < 6; w++)
                        {
                            double v = src[(((((n * 3) + (c % 3)) * 4) + (h / 2)) * 3) + (w / 2)];
                            v = v > 0 ? v : slope[c] * v;
                            y[(((((n * 6) + c) * 8) + h) * 6) + w] = 1 / (1 + Math.Exp(-v));
                        }
                    }
                }
            }

            return y;
        });
    }
}
