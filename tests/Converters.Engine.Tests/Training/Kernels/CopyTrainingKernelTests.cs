using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Identity, Flatten and Reshape pass the gradient through in element order.</summary>
[Trait("Category", "Kernel")]
public class CopyTrainingKernelTests
{
    [Theory]
    [InlineData("Identity")]
    [InlineData("Flatten")]
    [InlineData("Reshape")]
    public void Backward_OddShape_MatchesFiniteDifferences(string op)
    {
        // Given a layout-only op on a 2x3x7x5 input (its output the same elements in the same order)
        (string, AttributeValue)[] attributes = op switch
        {
            "Flatten" => [("axis", 1L)],
            "Reshape" => [("shape", AttributeValue.FromInts(2, -1, 5))],
            _ => [],
        };
        Model model = OneNode(op, [new Arg("x", [2, 3, 7, 5])], attributes);

        // When / Then the gradient is the output gradient, element by element
        GradientCheck.Run(model, a => a[0]);
    }
}
