using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>The harness itself fails when the forward or the gradient disagrees with the reference.</summary>
public class GradientCheckTests
{
    [Fact]
    public void Run_ReferenceWithAnotherForward_FailsOnTheForward()
    {
        // Given Identity checked against a reference that doubles
        Model model = OneNode("Identity", [new Arg("x", [2, 3])], []);

        // When / Then
        ShouldAssertException e = Should.Throw<ShouldAssertException>(() => GradientCheck.Run(model, a => [.. a[0].Select(v => 2 * v)]));
        e.Message.ShouldContain("forward: relative error");
    }

    [Fact]
    public void Run_ReferenceWithSameValueButAnotherSlope_FailsOnTheGradientNamingTheElement()
    {
        // Given Identity against x + 3 (x − x0): equal at the checked point x0, slope 4 instead of 1
        Model model = OneNode("Identity", [new Arg("x", [2, 3])], []);
        float[] x0 = Grid(6, 1);

        // When / Then
        ShouldAssertException e = Should.Throw<ShouldAssertException>(() => GradientCheck.Run(model, a => [.. a[0].Select((v, i) => v + (3 * (v - x0[i])))], new Options { Values = new Dictionary<string, float[]> { ["x"] = x0 } }));
        e.Message.ShouldContain("dx: relative error");
        e.Message.ShouldContain("at element");
    }

    [Fact]
    public void Grid_OddAndEvenSizes_DistinctAndAwayFromZero()
    {
        // Given grids of odd and even sizes
        foreach (int n in new[] { 1, 2, 7, 210, 525 })
        {
            // When
            float[] g = Grid(n, 3, 2f);

            // Then the values are distinct, inside (-2, 2) and at least 2 / (2 n) from 0
            g.Distinct().Count().ShouldBe(n);
            g.ShouldAllBe(v => Math.Abs(v) < 2f && Math.Abs(v) >= (1f / n) - 1e-6f);
        }
    }
}
