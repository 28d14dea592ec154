using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class ConvolutionSchemaTests
{
    [Theory]
    // Darknet yolov3 layer 0: 416x416x3, 32 filters 3x3/1, pad=1 -> (416 + 2 - 3)/1 + 1 = 416
    [InlineData(416, 416, 3, 3, 1, 1, 1, 1, 1, 416, 416)]
    // Darknet yolov3 layer 1: 3x3/2 pad 1 on 416 -> (416 + 2 - 3)/2 + 1 = 208 (integer division)
    [InlineData(416, 416, 3, 3, 2, 1, 1, 1, 1, 208, 208)]
    // Asymmetric TF SAME for stride 2 on even input: pads top 0, bottom 1 -> (224 + 1 - 3)/2 + 1 = 112
    [InlineData(224, 224, 3, 3, 2, 0, 0, 1, 1, 112, 112)]
    // Dilation 2, kernel 3 spans 5: (64 - 5)/1 + 1 = 60
    [InlineData(64, 64, 3, 3, 1, 0, 0, 0, 0, 60, 60, 2)]
    // Rectangular kernel 1x7 with pads 0,3: height unchanged, width (17 + 6 - 7)/1 + 1 = 17
    [InlineData(17, 17, 1, 7, 1, 0, 3, 0, 3, 17, 17)]
    public void Conv_Geometry_InfersOutputSize(int h, int w, int kh, int kw, int stride, int pt, int pl, int pb, int pr, int oh, int ow, int dilation = 1)
    {
        // Given
        Graph g = Single(
            "Conv",
            S(1, 3, h, w),
            [S(8, 3, kh, kw), S(8)],
            Ints("strides", stride, stride),
            Ints("pads", pt, pl, pb, pr),
            Ints("dilations", dilation, dilation));

        // When
        TensorShape y = Infer(g);

        // Then
        y.ShouldBe(S(1, 8, oh, ow));
    }

    [Fact]
    public void Conv_Depthwise_UsesGroups()
    {
        // Given: 32 channels, group 32, weights 32 x 1 x 3 x 3 (MobileNet depthwise)
        Graph g = Single("Conv", S(2, 32, 56, 56), [S(32, 1, 3, 3)], Ints("pads", 1, 1, 1, 1), A("group", 32L));

        // When / Then
        Infer(g).ShouldBe(S(2, 32, 56, 56));
    }

    [Fact]
    public void Conv_GroupNotDividingChannels_NamesNodeAndAttribute()
    {
        // Given
        Graph g = Single("Conv", S(1, 64, 8, 8), [S(63, 21, 3, 3)], A("group", 3L));

        // When
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));

        // Then
        ex.Message.ShouldBe("Conv 'n': attribute 'group'=3 does not divide input channels 64");
        ex.NodeName.ShouldBe("n");
        ex.AttributeName.ShouldBe("group");
    }

    [Fact]
    public void Conv_WeightChannelsMismatch_Fails()
    {
        Graph g = Single("Conv", S(1, 16, 8, 8), [S(8, 3, 3, 3)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g))
            .Message.ShouldBe("Conv 'n': weight shape 8x3x3x3 expects 3 input channels (W[1] x group), input has 16");
    }

    [Fact]
    public void Conv_BiasOfWrongSize_NamesInput()
    {
        Graph g = Single("Conv", S(1, 3, 8, 8), [S(8, 3, 3, 3), S(7)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("Conv 'n': input 'B' must have shape 8, got 7");
    }

    [Fact]
    public void Conv_KernelLargerThanInput_Fails()
    {
        Graph g = Single("Conv", S(1, 3, 2, 2), [S(8, 3, 5, 5)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldContain("kernel 5 (dilated to 5) is larger than the padded input height 2");
    }

    [Theory]
    [InlineData("strides", new[] { 1 }, "attribute 'strides'=[1] must have 2 values (height, width), got 1")]
    [InlineData("strides", new[] { 0, 1 }, "attribute 'strides'=[0, 1] must be positive")]
    [InlineData("pads", new[] { 1, 1 }, "attribute 'pads'=[1, 1] must have 4 values (top, left, bottom, right), got 2")]
    [InlineData("pads", new[] { -1, 0, 0, 0 }, "attribute 'pads'=[-1, 0, 0, 0] must not be negative")]
    [InlineData("dilations", new[] { 1, 0 }, "attribute 'dilations'=[1, 0] must be positive")]
    public void Conv_BadAttribute_NamesIt(string attribute, int[] values, string expected)
    {
        Graph g = Single("Conv", S(1, 3, 8, 8), [S(8, 3, 3, 3)], Ints(attribute, values));
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));
        ex.Message.ShouldBe("Conv 'n': " + expected);
        ex.AttributeName.ShouldBe(attribute);
    }

    [Fact]
    public void Conv_AttributeOfWrongKind_NamesIt()
    {
        Graph g = Single("Conv", S(1, 3, 8, 8), [S(8, 3, 3, 3)], A("group", "two"));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message
            .ShouldBe("Conv 'n': attribute 'group'=\"two\" must be an integer, got a string");
    }

    [Fact]
    public void Conv_InputNotNchw_Fails()
    {
        Graph g = Single("Conv", S(3, 8, 8), [S(8, 3, 3, 3)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("Conv 'n': input 'X' must be rank 4 (NCHW), got shape 3x8x8");
    }

    [Fact]
    public void Conv_MissingWeights_Fails()
    {
        Graph g = Single("Conv", S(1, 3, 8, 8));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("Conv 'n': takes 2 to 3 inputs, got 1");
    }

    [Theory]
    // Darknet/Caffe deconv 4x4/2 pad 1: (13 - 1) * 2 - 2 + 4 = 26
    [InlineData(13, 4, 2, 1, 0, 26)]
    // 2x2/2 no pad doubles: (13 - 1) * 2 + 2 = 26
    [InlineData(13, 2, 2, 0, 0, 26)]
    // 3x3/2 pad 1 output_padding 1 (TF SAME transpose): (7 - 1) * 2 - 2 + 3 + 1 = 14
    [InlineData(7, 3, 2, 1, 1, 14)]
    public void ConvTranspose_Geometry_InfersOutputSize(int h, int k, int s, int p, int outputPadding, int expected)
    {
        Graph g = Single(
            "ConvTranspose",
            S(1, 16, h, h),
            [S(16, 4, k, k)],
            Ints("strides", s, s),
            Ints("pads", p, p, p, p),
            Ints("output_padding", outputPadding, outputPadding),
            A("group", 2L));
        Infer(g).ShouldBe(S(1, 8, expected, expected));
    }

    [Fact]
    public void ConvTranspose_WeightInputChannelsMismatch_Fails()
    {
        Graph g = Single("ConvTranspose", S(1, 16, 4, 4), [S(8, 4, 2, 2)]);
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("ConvTranspose 'n': weight shape 8x4x2x2 expects 8 input channels (W[0]), input has 16");
    }
}
