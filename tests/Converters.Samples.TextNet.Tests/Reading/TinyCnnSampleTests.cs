using Converters.Ir;
using Converters.Ir.Statistics;

namespace Converters.Samples.TextNet.Tests.Reading;

/// <summary>The shipped classifier sample, checked against shapes, parameters and MACs worked out by hand.</summary>
public sealed class TinyCnnSampleTests
{
    private readonly Model _model = TextNetTestFiles.Read(TextNetTestFiles.TinyCnnPath);

    [Fact]
    public void Read_TinyCnn_HasNodesInputsAndOutputInFileOrder()
    {
        // Given the sample (read in the constructor)
        Graph graph = _model.Graph;

        // When its structure is listed
        string[] names = [.. graph.Nodes.Select(n => n.Name)];

        // Then it has the 19 node lines of the file, in order, one input and one output
        names.ShouldBe(
        [
            "conv1", "bn1", "act1", "pool1", "conv2", "bn2", "act2", "conv3", "bn3", "res", "act3",
            "conv4", "branch", "cat", "act4", "gap", "flat", "fc", "prob",
        ]);
        graph.Name.ShouldBe("tiny-cnn");
        graph.Inputs.ShouldHaveSingleItem().ShouldBe(new ValueInfo("data", DataType.Float32, TensorShape.Of(1, 3, 32, 32)));
        graph.Outputs.ShouldBe(["prob"]);
        _model.SourceFormat.ShouldBe("textnet");
    }

    [Theory]
    [InlineData("conv1", new[] { 1, 16, 32, 32 })] // 3x3, stride 1, pad 1: (32 + 2 - 3) / 1 + 1 = 32
    [InlineData("pool1", new[] { 1, 16, 16, 16 })] // 2x2, stride 2: (32 - 2) / 2 + 1 = 16
    [InlineData("res", new[] { 1, 16, 16, 16 })]
    [InlineData("conv4", new[] { 1, 32, 8, 8 })] // 3x3, stride 2, pad 1: (16 + 2 - 3) / 2 + 1 = 8
    [InlineData("branch", new[] { 1, 16, 8, 8 })] // 1x1, stride 2: (16 - 1) / 2 + 1 = 8
    [InlineData("cat", new[] { 1, 48, 8, 8 })] // 32 + 16 channels
    [InlineData("gap", new[] { 1, 48, 1, 1 })]
    [InlineData("flat", new[] { 1, 48 })]
    [InlineData("fc", new[] { 1, 10 })]
    [InlineData("prob", new[] { 1, 10 })]
    public void Read_TinyCnn_InfersShapes(string value, int[] expected)
    {
        // Given the sample; When the value's inferred shape is looked up
        ValueInfo? info = _model.Graph.FindValue(value);

        // Then it is the shape worked out by hand
        info.ShouldNotBeNull();
        info.Shape.ShouldBe(TensorShape.Of(expected));
    }

    [Fact]
    public void Read_TinyCnn_GeneratesParametersOfTheDeclaredShapes()
    {
        // Given the sample
        var initializers = _model.Graph.Initializers;

        // When the generated tensors are listed
        // Then conv weights are filters x C/group x kh x kw, convs with bias=0 have no bias, BN has
        // 4 vectors of C and the Gemm weights are units x K (trans_b = 1)
        initializers["conv1.weight"].Shape.ShouldBe(TensorShape.Of(16, 3, 3, 3));
        initializers.ContainsKey("conv1.bias").ShouldBeFalse();
        initializers["bn1.scale"].Shape.ShouldBe(TensorShape.Of(16));
        initializers["bn1.var"].Shape.ShouldBe(TensorShape.Of(16));
        initializers["conv4.weight"].Shape.ShouldBe(TensorShape.Of(32, 16, 3, 3));
        initializers["conv4.bias"].Shape.ShouldBe(TensorShape.Of(32));
        initializers["branch.weight"].Shape.ShouldBe(TensorShape.Of(16, 16, 1, 1));
        initializers["fc.weight"].Shape.ShouldBe(TensorShape.Of(10, 48));
        initializers["fc.bias"].Shape.ShouldBe(TensorShape.Of(10));
        _model.Graph.Nodes.Single(n => n.Name == "fc").Attributes["transB"].AsInt().ShouldBe(1);
        _model.Graph.Nodes.Single(n => n.Name == "conv1").Inputs.ShouldBe(["data", "conv1.weight"]);
    }

    [Fact]
    public void Read_TinyCnn_MapsKeysToIrAttributes()
    {
        // Given the sample
        Node conv4 = _model.Graph.Nodes.Single(n => n.Name == "conv4");
        Node pool1 = _model.Graph.Nodes.Single(n => n.Name == "pool1");
        Node act1 = _model.Graph.Nodes.Single(n => n.Name == "act1");

        // Then stride=2 pad=1 become strides [2, 2] and pads [1, 1, 1, 1], kernel=2x2 becomes kernel_shape
        conv4.Attributes["strides"].ShouldBe(AttributeValue.FromInts(2, 2));
        conv4.Attributes["pads"].ShouldBe(AttributeValue.FromInts(1, 1, 1, 1));
        pool1.Attributes["kernel_shape"].ShouldBe(AttributeValue.FromInts(2, 2));
        act1.Attributes["alpha"].AsFloat().ShouldBe(0.1);
    }

    [Fact]
    public void Statistics_TinyCnn_MatchHandCountedParametersAndMacs()
    {
        // Given the sample; When the IR statistics are computed
        ModelStatistics stats = ModelStatistics.Compute(_model.Graph);

        // Then parameters are (conv: Cout*Cin/g*kh*kw [+ Cout bias]; BN: scale + bias = 2C, mean and var
        // are statistics; Gemm: units*K + units):
        long conv1 = 16 * 3 * 3 * 3;          // 432
        long bn16 = 2 * 16;                   // 32
        long conv2 = 16 * 16 * 3 * 3;         // 2304, conv3 the same
        long conv4 = (32 * 16 * 3 * 3) + 32;  // 4640
        long branch = (16 * 16 * 1 * 1) + 16; // 272
        long fc = (10 * 48) + 10;             // 490
        stats.TotalParameters.ShouldBe(conv1 + bn16 + conv2 + bn16 + conv2 + bn16 + conv4 + branch + fc); // 10538

        // And stored values add BN mean and var: 3 BNs x 2 x 16
        stats.TotalStoredValues.ShouldBe(stats.TotalParameters + (3 * 2 * 16));

        // And MACs are conv: Cout*Hout*Wout*(Cin/g)*kh*kw, Gemm: units*K
        long macsConv1 = 16L * 32 * 32 * 3 * 3 * 3;  // 442,368
        long macsConv2 = 16L * 16 * 16 * 16 * 3 * 3; // 589,824, conv3 the same
        long macsConv4 = 32L * 8 * 8 * 16 * 3 * 3;   // 294,912
        long macsBranch = 16L * 8 * 8 * 16 * 1 * 1;  // 16,384
        long macsFc = 10L * 48;                      // 480
        stats.TotalMacs.ShouldBe(macsConv1 + macsConv2 + macsConv2 + macsConv4 + macsBranch + macsFc); // 1,933,792
        stats.Nodes.Single(n => n.Node.Name == "conv4").Macs.ShouldBe(macsConv4);
    }

    [Fact]
    public void Read_TinyCnn_GeneratedValuesFollowTheDocumentedRanges()
    {
        // Given the sample's generated tensors
        var initializers = _model.Graph.Initializers;

        // Then weights lie in [-0.5, 0.5) / sqrt(fan_in), BN scale in [0.9, 1.1] and variance in [1, 2) (positive)
        float conv1Bound = 0.5f / MathF.Sqrt(3 * 3 * 3);
        initializers["conv1.weight"].AsSpan<float>().ToArray().ShouldAllBe(v => v >= -conv1Bound && v <= conv1Bound);
        float fcBound = 0.5f / MathF.Sqrt(48);
        initializers["fc.weight"].AsSpan<float>().ToArray().ShouldAllBe(v => v >= -fcBound && v <= fcBound);
        foreach (string bn in new[] { "bn1", "bn2", "bn3" })
        {
            initializers[$"{bn}.scale"].AsSpan<float>().ToArray().ShouldAllBe(v => v >= 0.9f && v <= 1.1f);
            initializers[$"{bn}.var"].AsSpan<float>().ToArray().ShouldAllBe(v => v >= 1f && v < 2f);
        }
    }

    [Fact]
    public void Read_TinyCnn_FirstWeightIsTheFirstXorshiftDrawOfSeed7()
    {
        // Given seed 7 and xorshift32 (13, 17, 5) worked by hand:
        //   x = 7 ^ (7 << 13) = 57351; x ^= x >> 17 (0) = 57351; x ^= x << 5: 0xE007 ^ 0x1C00E0 = 0x1CE0E7
        //   v = (0x1CE0E7 >> 8) / 2^24 - 0.5 = 7392 / 16777216 - 0.5
        float v = (7392f / 16777216f) - 0.5f;
        float scale = (float)(1.0 / Math.Sqrt(27)); // conv1 fan_in = 3 * 3 * 3

        // When the sample's first generated value is read
        float first = _model.Graph.Initializers["conv1.weight"].AsSpan<float>()[0];

        // Then it is that draw scaled by 1/sqrt(fan_in)
        first.ShouldBe(v * scale);
    }
}
