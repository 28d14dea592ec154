using Converters.Ir.Statistics;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Statistics;

public sealed class ModelStatisticsTests
{
    /// <summary>
    /// The first two layers of Darknet's yolov3.cfg at 416x416 plus a connected head, built by hand:
    /// conv 32 3x3/1 + BN, conv 64 3x3/2 + BN, global pool, FC 10.
    /// </summary>
    private static Graph YoloStem()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("input", DataType.Float32, S(1, 3, 416, 416)));
        AddConvBn(g, "0", "input", 3, 32, 1);
        AddConvBn(g, "1", "0", 32, 64, 2);
        g.Add(new Node("GlobalAveragePool", "gap", ["1"], ["gap"]));
        g.Add(new Node("Flatten", "flat", ["gap"], ["flat"]));
        g.AddInitializer("fc.w", TensorData.Zeros(DataType.Float32, S(10, 64)));
        g.AddInitializer("fc.b", TensorData.Zeros(DataType.Float32, S(10)));
        g.Add(new Node("Gemm", "fc", ["flat", "fc.w", "fc.b"], ["fc"]).With("transB", 1L));
        g.Outputs.Add("fc");
        return g;
    }

    private static void AddConvBn(Graph g, string name, string input, int cin, int cout, int stride)
    {
        g.AddInitializer($"{name}.w", TensorData.Zeros(DataType.Float32, S(cout, cin, 3, 3)));
        foreach (string p in new[] { "scale", "bias", "mean", "var" })
        {
            g.AddInitializer($"{name}.{p}", TensorData.Zeros(DataType.Float32, S(cout)));
        }

        g.Add(new Node("Conv", $"{name}.conv", [input, $"{name}.w"], [$"{name}.c"])
            .With("pads", AttributeValue.FromInts(1, 1, 1, 1)).With("strides", AttributeValue.FromInts(stride, stride)));
        g.Add(new Node("BatchNormalization", $"{name}.bn", [$"{name}.c", $"{name}.scale", $"{name}.bias", $"{name}.mean", $"{name}.var"], [$"{name}.b"])
            .With("epsilon", 1e-6).With("epsilon_mode", "stddev"));
        g.Add(new Node("LeakyRelu", $"{name}.act", [$"{name}.b"], [name]).With("alpha", 0.1));
    }

    [Fact]
    public void Compute_YoloStem_MatchesHandCounts()
    {
        // When
        ModelStatistics stats = ModelStatistics.Compute(YoloStem());

        // Then: layer 0 MACs = 32 x 416 x 416 x (3 x 3 x 3) = 149,520,384 (darknet prints 0.299 BFLOPs = 2 x that)
        NodeStatistics conv0 = stats.Nodes.Single(n => n.Node.Name == "0.conv");
        conv0.Macs.ShouldBe(32L * 416 * 416 * 27);
        conv0.Parameters.ShouldBe(32 * 27);
        conv0.OutputShapes.ShouldHaveSingleItem().ShouldBe(S(1, 32, 416, 416));

        // layer 1: 64 x 208 x 208 x (32 x 9) = 797,442,048 (darknet: 1.595 BFLOPs)
        stats.Nodes.Single(n => n.Node.Name == "1.conv").Macs.ShouldBe(64L * 208 * 208 * 288);

        // BN: scale and bias are trained, mean and variance only stored.
        NodeStatistics bn1 = stats.Nodes.Single(n => n.Node.Name == "1.bn");
        bn1.Parameters.ShouldBe(2 * 64);
        bn1.StoredValues.ShouldBe(4 * 64);
        bn1.Macs.ShouldBe(0);

        // FC: 10 x 64 MACs; 650 parameters.
        stats.Nodes.Single(n => n.Node.Name == "fc").Macs.ShouldBe(640);

        long expectedParams = (32 * 27) + (2 * 32) + (64 * 288) + (2 * 64) + 650;
        stats.TotalParameters.ShouldBe(expectedParams);
        stats.TotalStoredValues.ShouldBe(expectedParams + (2 * 32) + (2 * 64));
        stats.TotalMacs.ShouldBe((32L * 416 * 416 * 27) + (64L * 208 * 208 * 288) + 640);
        stats.Nodes.Count.ShouldBe(9);
    }

    [Fact]
    public void Compute_SharedInitializer_CountedOnce()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, S(1, 4, 5, 5)));
        g.AddInitializer("w", TensorData.Zeros(DataType.Float32, S(4, 4, 1, 1)));
        g.Add(new Node("Conv", "a", ["x", "w"], ["a"]));
        g.Add(new Node("Conv", "b", ["a", "w"], ["b"]));
        g.Outputs.Add("b");

        ModelStatistics stats = ModelStatistics.Compute(g);

        stats.TotalParameters.ShouldBe(16);
        stats.Nodes[1].Parameters.ShouldBe(0);
        stats.Nodes[1].Macs.ShouldBe(4L * 25 * 4);
    }

    [Fact]
    public void Compute_GroupedAndTransposedConv_Macs()
    {
        // Depthwise 3x3 on 32x56x56: 32 x 56 x 56 x (1 x 9)
        ModelStatistics dw = ModelStatistics.Compute(Single("Conv", S(1, 32, 56, 56), [S(32, 1, 3, 3)], Ints("pads", 1, 1, 1, 1), A("group", 32L)));
        dw.TotalMacs.ShouldBe(32L * 56 * 56 * 9);

        // Deconv 16 -> 8 channels, 4x4/2 on 13x13: every input pixel scatters into 8 x 16 taps: 16 x 13 x 13 x 8 x 16
        ModelStatistics deconv = ModelStatistics.Compute(Single("ConvTranspose", S(1, 16, 13, 13), [S(16, 8, 4, 4)], Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)));
        deconv.TotalMacs.ShouldBe(16L * 13 * 13 * 8 * 16);
    }
}
