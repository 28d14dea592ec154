using Converters.Ir;
using Converters.Ir.Statistics;

namespace Converters.Samples.TextNet.Tests.Reading;

/// <summary>The second sample: grouped, dilated and asymmetrically padded convolutions, pooling, upsampling, explicit tensors.</summary>
public sealed class TinySegSampleTests
{
    private readonly Model _model = TextNetTestFiles.Read(TextNetTestFiles.TinySegPath);

    [Theory]
    [InlineData("enc1", new[] { 1, 16, 32, 32 })] // 3x3 stride 2 pad 1: (64 + 2 - 3) / 2 + 1 = 32
    [InlineData("dw", new[] { 1, 16, 32, 32 })]
    [InlineData("pool", new[] { 1, 32, 16, 16 })]
    [InlineData("ctx", new[] { 1, 32, 16, 16 })] // dilation 2: kernel spans 5; (16 + 4 - 5) / 1 + 1 = 16
    [InlineData("even", new[] { 1, 32, 16, 16 })] // 2x2 with pads 0,0,1,1: (16 + 0 + 1 - 2) / 1 + 1 = 16
    [InlineData("up", new[] { 1, 32, 32, 32 })]
    [InlineData("skip", new[] { 1, 64, 32, 32 })]
    [InlineData("mask", new[] { 1, 2, 32, 32 })]
    public void Read_TinySeg_InfersShapes(string value, int[] expected)
    {
        // Given the sample; When the value's shape is looked up; Then it is the one worked out by hand
        _model.Graph.FindValue(value)!.Shape.ShouldBe(TensorShape.Of(expected));
    }

    [Fact]
    public void Read_TinySeg_MapsGroupDilationPadsAndScale()
    {
        // Given the sample
        Dictionary<string, Node> nodes = _model.Graph.Nodes.ToDictionary(n => n.Name);

        // Then the keys become the IR attributes, with asymmetric pads in IR order (top, left, bottom, right)
        nodes["dw"].Attributes["group"].AsInt().ShouldBe(16);
        _model.Graph.Initializers["dw.weight"].Shape.ShouldBe(TensorShape.Of(16, 1, 3, 3)); // C/group = 1
        nodes["ctx"].Attributes["dilations"].ShouldBe(AttributeValue.FromInts(2, 2));
        nodes["even"].Attributes["pads"].ShouldBe(AttributeValue.FromInts(0, 0, 1, 1));
        nodes["up"].Attributes["scales"].ShouldBe(AttributeValue.FromInts(2, 2));
        nodes["head"].Inputs.ShouldBe(["skip", "head.weight", "head.bias"]);
    }

    [Fact]
    public void Read_TinySeg_KeepsExplicitTensorValues()
    {
        // Given the sample's explicit head tensors
        float[] weight = _model.Graph.Initializers["head.weight"].AsSpan<float>().ToArray();
        float[] bias = _model.Graph.Initializers["head.bias"].AsSpan<float>().ToArray();

        // Then the values are those written: class 0 starts 0.125 -0.125 ..., class 1 is its negation
        weight.Length.ShouldBe(2 * 64);
        weight[..4].ShouldBe([0.125f, -0.125f, 0.0625f, -0.0625f]);
        weight[64..68].ShouldBe([-0.125f, 0.125f, -0.0625f, 0.0625f]);
        bias.ShouldBe([0.5f, -0.5f]);
    }

    [Fact]
    public void Statistics_TinySeg_DepthwiseAndDilatedMacsMatchHandCount()
    {
        // Given the sample; When statistics are computed
        ModelStatistics stats = ModelStatistics.Compute(_model.Graph);
        long Macs(string name) => stats.Nodes.Single(n => n.Node.Name == name).Macs;

        // Then a depthwise conv costs Cout*H*W*(Cin/group)*kh*kw = 16*32*32*1*3*3,
        // and dilation does not change the count: 32*16*16*32*3*3
        Macs("dw").ShouldBe(16L * 32 * 32 * 1 * 3 * 3);
        Macs("ctx").ShouldBe(32L * 16 * 16 * 32 * 3 * 3);
        Macs("head").ShouldBe(2L * 32 * 32 * 64 * 1 * 1);
    }
}
