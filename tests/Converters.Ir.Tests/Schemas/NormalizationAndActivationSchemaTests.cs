using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class NormalizationAndActivationSchemaTests
{
    [Fact]
    public void BatchNormalization_PerChannelParameters_KeepsShape()
    {
        Graph g = Single("BatchNormalization", S(1, 32, 13, 13), [S(32), S(32), S(32), S(32)], A("epsilon", 1e-6), A("epsilon_mode", "stddev"));
        Infer(g).ShouldBe(S(1, 32, 13, 13));
    }

    [Fact]
    public void BatchNormalization_StatisticOfWrongSize_NamesInput()
    {
        Graph g = Single("BatchNormalization", S(1, 32, 13, 13), [S(32), S(32), S(16), S(32)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("BatchNormalization 'n': input 'mean' must have shape 32, got 16");
    }

    [Fact]
    public void BatchNormalization_UnknownEpsilonMode_NamesAttribute()
    {
        Graph g = Single("BatchNormalization", S(1, 4, 2, 2), [S(4), S(4), S(4), S(4)], A("epsilon_mode", "darknet"));
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));
        ex.Message.ShouldBe("BatchNormalization 'n': attribute 'epsilon_mode'=\"darknet\" must be 'variance' or 'stddev'");
    }

    [Fact]
    public void Scale_WithAndWithoutBias_KeepsShape()
    {
        Infer(Single("Scale", S(1, 8, 4, 4), [S(8), S(8)])).ShouldBe(S(1, 8, 4, 4));
        Infer(Single("Scale", S(1, 8, 4, 4), [S(8)])).ShouldBe(S(1, 8, 4, 4));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Scale", S(1, 8, 4, 4), [S(4)])));
    }

    [Fact]
    public void Lrn_AcrossAndWithin_KeepShape_BadRegionFails()
    {
        Infer(Single("LRN", S(1, 96, 55, 55), A("size", 5L))).ShouldBe(S(1, 96, 55, 55));
        Infer(Single("LRN", S(1, 96, 55, 55), A("size", 3L), A("region", "within"))).ShouldBe(S(1, 96, 55, 55));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("LRN", S(1, 96, 55, 55), A("size", 5L), A("region", "spatial"))))
            .AttributeName.ShouldBe("region");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("LRN", S(1, 96, 55, 55))))
            .Message.ShouldBe("LRN 'n': attribute 'size'=(absent) is required");
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("LeakyRelu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Mish")]
    [InlineData("Swish")]
    [InlineData("Relu6")]
    [InlineData("HardSigmoid")]
    [InlineData("Elu")]
    [InlineData("Power")]
    [InlineData("Identity")]
    [InlineData("Dropout")]
    public void Activation_KeepsShape(string op)
    {
        Infer(Single(op, S(3, 5, 7, 2))).ShouldBe(S(3, 5, 7, 2));
    }

    [Fact]
    public void PRelu_SlopePerChannelOrShared_WrongSizeFails()
    {
        Infer(Single("PRelu", S(1, 16, 4, 4), [S(16)])).ShouldBe(S(1, 16, 4, 4));
        Infer(Single("PRelu", S(1, 16, 4, 4), [S(1)])).ShouldBe(S(1, 16, 4, 4));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("PRelu", S(1, 16, 4, 4), [S(8)])))
            .Message.ShouldBe("PRelu 'n': input 'slope' must have shape 1 or 16 (channels), got 8");
    }
}
