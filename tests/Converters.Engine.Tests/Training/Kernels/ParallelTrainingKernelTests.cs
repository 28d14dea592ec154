using Converters.Engine.Training;
using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>
/// The thread-split paths (taken above 65,536 element operations, beyond the gradient checks' small
/// shapes): one and two threads give bit-identical outputs and gradients, and the training forward
/// equals the inference engine's.
/// </summary>
[Trait("Category", "Kernel")]
public class ParallelTrainingKernelTests
{
    private static readonly int[] Shape = [4, 16, 40, 30];

    public static TheoryData<string, string> Ops() => new()
    {
        { "Relu", string.Empty },
        { "Sigmoid", string.Empty },
        { "LeakyRelu", string.Empty },
        { "MaxPool", "2x2" },
        { "MaxPool", "3x3" },
        { "AveragePool", "3x3" },
        { "GlobalAveragePool", string.Empty },
        { "GlobalMaxPool", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void ForwardBackward_OneAndTwoThreads_BitIdenticalAndEqualToInference(string op, string window)
    {
        // Given a large input and a random output gradient
        (string, AttributeValue)[] attributes = window switch
        {
            "2x2" => PoolingTrainingKernelTests.Attributes(2, 2, 2, 2, 0, 0, 0, 0),
            "3x3" => PoolingTrainingKernelTests.Attributes(3, 3, 2, 2, 1, 1, 1, 1),
            _ => [],
        };
        Model model = OneNode(op, [new Arg("x", Shape)], attributes);
        float[] x = Grid(Shape.Aggregate(1, (p, d) => p * d), 9, 4f);

        // When the session runs with one and with two threads
        (float[] y1, float[] dx1) = Pass(model, x, 1);
        (float[] y2, float[] dx2) = Pass(model, x, 2);

        // Then both agree bit for bit, and the forward is the inference engine's
        y2.ShouldBe(y1);
        dx2.ShouldBe(dx1);
        var inference = new InferenceSession(model);
        float[] expected = inference.Run(new Dictionary<string, TensorData> { ["x"] = TensorData.Create(TensorShape.Of(Shape), x) })["y0"].AsSpan<float>().ToArray();
        y1.ShouldBe(expected);
    }

    private static (float[] Y, float[] Dx) Pass(Model model, float[] x, int threads)
    {
        var session = new TrainingSession(model, new TrainingSessionOptions { InputGradients = true, MaxThreads = threads });
        x.CopyTo(session.Input("x"));
        session.Forward();
        float[] r = Grid(session.Value("y0").Length, 4);
        session.Backward(new Dictionary<string, float[]> { ["y0"] = r });
        return (session.Value("y0").ToArray(), session.Gradient("x").ToArray());
    }
}
