using Converters.Engine.Training;
using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>PRelu (trainable slope), Scale (trainable scale and bias) and ScaleChannels: gradients of the input and of the parameters.</summary>
[Trait("Category", "Kernel")]
public class AffineTrainingKernelTests
{
    private static readonly int[] Shape = [2, 3, 7, 5];

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void PRelu_TrainableSlope_MatchesFiniteDifferences(int slopes)
    {
        // Given PRelu with a per-channel (or shared) slope initializer: a Weight, so a parameter
        Model model = OneNode("PRelu", [new Arg("x", Shape), new Arg("slope", [slopes], Initializer: true)], []);

        // When / Then dx and dslope match
        Report report = GradientCheck.Run(model, a => [.. a[0].Select((v, i) => v > 0 ? v : v * a[1][slopes == 1 ? 0 : i / 35 % 3])]);
        report.GradientErrors.Keys.ShouldBe(["x", "slope"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scale_TrainableScaleAndBias_MatchesFiniteDifferences(bool bias)
    {
        // Given Caffe Scale along axis 1 with scale (and bias) initializers
        Arg[] args = bias
            ? [new Arg("x", Shape), new Arg("s", [3], Initializer: true), new Arg("b", [3], Initializer: true)]
            : [new Arg("x", Shape), new Arg("s", [3], Initializer: true)];
        Model model = OneNode("Scale", args, [("axis", 1L)]);

        // When / Then
        Report report = GradientCheck.Run(model, a => [.. a[0].Select((v, i) => (v * a[1][i / 35 % 3]) + (bias ? a[2][i / 35 % 3] : 0))]);
        report.GradientErrors.Count.ShouldBe(bias ? 3 : 2);
    }

    [Fact]
    public void Scale_AfterOptimizerStep_ForwardReadsUpdatedParameter()
    {
        // Given a Scale session whose scale parameter is changed in place (as an optimizer does)
        Model model = OneNode("Scale", [new Arg("x", [1, 2, 1, 1]), new Arg("s", [2], Initializer: true, Values: [1f, 1f])], []);
        var session = new TrainingSession(model);
        float[] x = [3f, 4f];
        x.CopyTo(session.Input("x"));
        session.Parameters[0].Value[1] = 2.5f;

        // When the forward runs
        session.Forward();

        // Then it uses the new value
        session.Value("y0").ToArray().ShouldBe([3f, 10f]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScaleChannels_BothModes_MatchesFiniteDifferences(bool wh)
    {
        // Given squeeze-excite scaling by a computed S (per channel, or per position with scale_wh)
        int[] sShape = wh ? [2, 1, 7, 5] : [2, 3, 1, 1];
        Model model = OneNode("ScaleChannels", [new Arg("x", Shape), new Arg("s", sShape)], [("scale_wh", wh ? 1L : 0L)]);

        // When / Then
        GradientCheck.Run(model, a => [.. a[0].Select((v, i) => v * (wh ? a[1][((i / 105) * 35) + (i % 35)] : a[1][i / 35]))]);
    }
}
