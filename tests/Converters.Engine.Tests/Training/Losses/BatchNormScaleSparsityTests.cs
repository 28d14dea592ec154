using Converters.Engine.Training;
using Converters.Engine.Training.Losses;

namespace Converters.Engine.Tests.Training.Losses;

public class BatchNormScaleSparsityTests
{
    [Fact]
    public void Apply_BnAndScaleGammas_AddsLambdaSignAndReturnsPenalty()
    {
        // Given BN and Scale γ, a BN β (bias) and a conv weight
        var bnGamma = new TrainableParameter("bn1.scale", ParameterKind.Weight, [0.5f, -2f, 0f]) { OwnerOpType = "BatchNormalization", OwnerNode = "bn1" };
        var scaleGamma = new TrainableParameter("sc.scale", ParameterKind.Weight, [-0.25f]) { OwnerOpType = "Scale", OwnerNode = "sc" };
        var bnBeta = new TrainableParameter("bn1.bias", ParameterKind.Bias, [3f]) { OwnerOpType = "BatchNormalization" };
        var conv = new TrainableParameter("conv.weight", ParameterKind.Weight, [4f]) { OwnerOpType = "Conv" };
        bnGamma.Gradient[0] = 1f;

        // When λ = 0.01
        float penalty = BatchNormScaleSparsity.Apply([bnGamma, scaleGamma, bnBeta, conv], 0.01f);

        // Then penalty = 0.01·(0.5 + 2 + 0 + 0.25), γ gradients get ±λ (0 at γ = 0), others untouched
        penalty.ShouldBe(0.0275f, 1e-7f);
        bnGamma.Gradient.ShouldBe([1.01f, -0.01f, 0f]);
        scaleGamma.Gradient.ShouldBe([-0.01f]);
        bnBeta.Gradient.ShouldBe([0f]);
        conv.Gradient.ShouldBe([0f]);
    }

    [Fact]
    public void Apply_NegativeLambda_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => BatchNormScaleSparsity.Apply([], -1f));
    }
}
