using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Element-wise activations: finite-difference gradient checks against float64 definitions at an odd NCHW shape.</summary>
[Trait("Category", "Kernel")]
public class ActivationTrainingKernelTests
{
    private static readonly int[] Shape = [2, 3, 7, 5];

    public static TheoryData<string, float, float> Ops() => new()
    {
        { "Relu", 1f, 0f },
        { "LeakyRelu", 1f, 0f },
        { "Sigmoid", 4f, 0f },
        { "Tanh", 3f, 0f },
        { "Mish", 3f, 0f },
        { "Mish", 30f, 0f },
        { "Swish", 4f, 0f },
        { "Relu6", 8f, 2.01f },
        { "HardSigmoid", 3f, 0f },
        { "Elu", 2f, 0f },
        { "Power", 1f, 0f },
        { "PowerFractional", 1f, 1.5f },
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Backward_OddShape_MatchesFiniteDifferences(string op, float scale, float offset)
    {
        // Given one activation node on a 2x3x7x5 input drawn from a grid that avoids the op's kinks
        (Func<double, double> f, (string, AttributeValue)[] attributes) = Definition(op);
        Model model = OneNode(op.Replace("Fractional", "", StringComparison.Ordinal), [new Arg("x", Shape)], attributes);

        // When the gradient check runs
        Report report = GradientCheck.Run(model, a => [.. a[0].Select(f)], new Options { InputScale = scale, InputOffset = offset });

        // Then forward and gradient agree with the float64 definition
        report.GradientErrors.Keys.ShouldBe(["x"]);
    }

    private static (Func<double, double> F, (string, AttributeValue)[] Attributes) Definition(string op) => op switch
    {
        "Relu" => (v => Math.Max(v, 0), []),
        "LeakyRelu" => (v => v > 0 ? v : 0.1 * v, [("alpha", 0.1)]),
        "Sigmoid" => (v => 1 / (1 + Math.Exp(-v)), []),
        "Tanh" => (Math.Tanh, []),
        "Mish" => (v => v * Math.Tanh(v > 20 ? v : v < -20 ? Math.Exp(v) : Math.Log(1 + Math.Exp(v))), []),
        "Swish" => (v => v / (1 + Math.Exp(-v)), []),
        "Relu6" => (v => Math.Clamp(v, 0, 6), []),
        "HardSigmoid" => (v => Math.Clamp((0.3 * v) + 0.4, 0, 1), [("alpha", 0.3), ("beta", 0.4)]),
        "Elu" => (v => v > 0 ? v : 0.7 * (Math.Exp(v) - 1), [("alpha", 0.7)]),
        "Power" => (v => Math.Pow(0.1 + (0.5 * v), 3), [("power", 3.0), ("scale", 0.5), ("shift", 0.1)]),
        "PowerFractional" => (v => Math.Pow(0.2 + (0.5 * v), 2.5), [("power", 2.5), ("scale", 0.5), ("shift", 0.2)]),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "no definition"),
    };
}
