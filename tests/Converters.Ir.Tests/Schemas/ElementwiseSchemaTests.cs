using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class ElementwiseSchemaTests
{
    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Max")]
    [InlineData("Min")]
    public void Binary_Broadcasts(string op)
    {
        Infer(Single(op, [S(1, 8, 4, 4), S(1, 8, 4, 4)], [])).ShouldBe(S(1, 8, 4, 4));
        Infer(Single(op, [S(1, 8, 4, 4)], [S(8, 1, 1)])).ShouldBe(S(1, 8, 4, 4));
        Infer(Single(op, [S(2, 1, 4, 1)], [S(3, 1, 5)])).ShouldBe(S(2, 3, 4, 5));
    }

    [Fact]
    public void Binary_IncompatibleShapes_Fails()
    {
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Add", [S(1, 8, 4, 4), S(1, 6, 4, 4)], [])))
            .Message.ShouldBe("Add 'n': shapes 1x8x4x4 and 1x6x4x4 do not broadcast (axis 1: 8 vs 6)");
    }

    [Fact]
    public void Shortcut_PlainAndWeighted_KeepFirstShape()
    {
        // yolov3 [shortcut] from=-3: two same-shaped inputs.
        Infer(Single("Shortcut", [S(1, 64, 208, 208), S(1, 64, 208, 208)], [])).ShouldBe(S(1, 64, 208, 208));

        // AlexeyAB per_channel with 2 extra inputs: (3 inputs) x 64 channels = 192 weights.
        Graph weighted = Single("Shortcut", [S(1, 64, 8, 8), S(1, 64, 8, 8), S(1, 64, 8, 8)], [S(192)], 1, A("weights_type", "per_channel"));
        Infer(weighted).ShouldBe(S(1, 64, 8, 8));

        // Darknet adds over the overlap when channels differ (output keeps X0's shape); strided when sizes divide.
        Infer(Single("Shortcut", [S(1, 64, 8, 8), S(1, 32, 16, 16)], [])).ShouldBe(S(1, 64, 8, 8));
    }

    [Fact]
    public void Shortcut_WrongWeightCount_NamesWeightsType()
    {
        Graph g = Single("Shortcut", [S(1, 64, 8, 8), S(1, 64, 8, 8)], [S(3)], 1, A("weights_type", "per_feature"));
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));
        ex.AttributeName.ShouldBe("weights_type");
        ex.Message.ShouldBe("Shortcut 'n': attribute 'weights_type'=\"per_feature\" needs 2 weights for 2 inputs, the last input has 3");
    }

    [Fact]
    public void Shortcut_SpatialSizesNotDividing_Fails()
    {
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Shortcut", [S(1, 8, 9, 9), S(1, 8, 6, 6)], [])))
            .Message.ShouldContain("spatial sizes must divide one another");
    }

    [Fact]
    public void ScaleChannels_ChannelAndPositionForms()
    {
        Infer(Single("ScaleChannels", [S(1, 64, 13, 13), S(1, 64, 1, 1)], [])).ShouldBe(S(1, 64, 13, 13));
        Infer(Single("ScaleChannels", [S(1, 64, 13, 13), S(1, 1, 13, 13)], [], 1, A("scale_wh", 1L))).ShouldBe(S(1, 64, 13, 13));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("ScaleChannels", [S(1, 64, 13, 13), S(1, 32, 1, 1)], [])))
            .Message.ShouldBe("ScaleChannels 'n': input 'S' must have shape 1x64x1x1, got 1x32x1x1");
    }
}
