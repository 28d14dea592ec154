using Converters.Engine.Training;
using Converters.Engine.Training.Optimizers;

namespace Converters.Engine.Tests.Training.Optimizers;

public class GradientClippingTests
{
    [Fact]
    public void ClipByGlobalNorm_NormAboveMax_ScalesAllGradientsToMaxAndReturnsNorm()
    {
        // Given gradients (3, 4) and (12): global norm 13
        var a = new TrainableParameter("a", ParameterKind.Weight, new float[2]);
        var b = new TrainableParameter("b", ParameterKind.Bias, new float[1]);
        a.Gradient[0] = 3f;
        a.Gradient[1] = 4f;
        b.Gradient[0] = 12f;

        // When clipped to 6.5
        float norm = GradientClipping.ClipByGlobalNorm([a, b], 6.5f);

        // Then the norm is 13 and every gradient is halved (up to the 1e-6 guard)
        norm.ShouldBe(13f);
        a.Gradient[0].ShouldBe(1.5f, 1e-6f);
        a.Gradient[1].ShouldBe(2f, 1e-6f);
        b.Gradient[0].ShouldBe(6f, 1e-6f);
    }

    [Fact]
    public void ClipByGlobalNorm_NormBelowMax_LeavesGradients()
    {
        var a = new TrainableParameter("a", ParameterKind.Weight, new float[2]);
        a.Gradient[0] = 0.3f;
        a.Gradient[1] = 0.4f;
        GradientClipping.ClipByGlobalNorm([a], 1f).ShouldBe(0.5f, 1e-7f);
        a.Gradient.ShouldBe([0.3f, 0.4f]);
    }

    [Fact]
    public void ClipByValue_ClampsEachElement()
    {
        var a = new TrainableParameter("a", ParameterKind.Weight, new float[4]);
        float[] g = [-3f, -0.5f, 0.25f, 7f];
        g.CopyTo(a.Gradient, 0);
        GradientClipping.ClipByValue([a], 1f);
        a.Gradient.ShouldBe([-1f, -0.5f, 0.25f, 1f]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Clip_NonPositiveLimit_Throws(float limit)
    {
        var a = new TrainableParameter("a", ParameterKind.Weight, new float[1]);
        Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm([a], limit));
        Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue([a], limit));
    }
}
