using Converters.Ir;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Weights;

public sealed class WeightsHeaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0, 1, 0, 4)]
    [InlineData(0, 2, 0, 8)]
    [InlineData(0, 2, 5, 8)]
    [InlineData(1, 0, 0, 8)]
    public void Read_HeaderVersion_KeptInMetadataWithItsSeenWidth(int major, int minor, int revision, int seenBytes)
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats, major, minor, revision, seen: 4242);

        Model model = Reading.Read(_folder, TestModels.TinyCfg, weights);

        model.Metadata[DarknetMetadata.WeightsMajor].AsInt().ShouldBe(major);
        model.Metadata[DarknetMetadata.WeightsMinor].AsInt().ShouldBe(minor);
        model.Metadata[DarknetMetadata.WeightsRevision].AsInt().ShouldBe(revision);
        model.Metadata[DarknetMetadata.WeightsSeen].AsInt().ShouldBe(4242);
        model.Metadata[DarknetMetadata.WeightsSeenBytes].AsInt().ShouldBe(seenBytes);
        model.Metadata[DarknetMetadata.Weights].AsString().ShouldBe("present");
    }

    [Fact]
    public void Read_ConvArrays_InDarknetOrder()
    {
        // Given: float k of the file is the k-th value after the header
        byte[] weights = TestModels.Weights(TestModels.TinyFloats);
        float[] all = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weights.AsSpan(20)).ToArray();

        Model model = Reading.Read(_folder, TestModels.TinyCfg, weights);

        // Then: biases, scales, rolling_mean, rolling_variance, weights (OIHW) for the BN conv
        Graph g = model.Graph;
        g.Initializers["0.biases"].AsSpan<float>().ToArray().ShouldBe(all[0..4]);
        g.Initializers["0.scales"].AsSpan<float>().ToArray().ShouldBe(all[4..8]);
        g.Initializers["0.rolling_mean"].AsSpan<float>().ToArray().ShouldBe(all[8..12]);
        g.Initializers["0.rolling_variance"].AsSpan<float>().ToArray().ShouldBe(all[12..16]);
        g.Initializers["0.weights"].AsSpan<float>().ToArray().ShouldBe(all[16..124]);
        g.Initializers["2.biases"].AsSpan<float>().ToArray().ShouldBe(all[124..126]);
        g.Initializers["2.weights"].AsSpan<float>().ToArray().ShouldBe(all[126..134]);
        Node bn = g.Nodes.Single(n => n.OpType == "BatchNormalization");
        bn.Inputs.ShouldBe(["0.conv", "0.scales", "0.biases", "0.rolling_mean", "0.rolling_variance"]);
        bn.Attributes["epsilon_mode"].AsString().ShouldBe("stddev");
        bn.Attributes["epsilon"].AsFloat().ShouldBe(1e-6);
        g.Nodes.Single(n => n.Name == "0.conv").Inputs.ShouldBe(["data", "0.weights"]);
        g.Nodes.Single(n => n.Name == "2.conv").Inputs.ShouldBe(["1", "2.weights", "2.biases"]);
    }

    [Fact]
    public void Read_AlexeyFork_UsesVarianceEpsilonAndRecordsTheFork()
    {
        Model model = Reading.Read(_folder, TestModels.TinyCfg, TestModels.Weights(TestModels.TinyFloats), fork: "alexeyab");

        Node bn = model.Graph.Nodes.Single(n => n.OpType == "BatchNormalization");
        bn.Attributes["epsilon_mode"].AsString().ShouldBe("variance");
        bn.Attributes["epsilon"].AsFloat().ShouldBe(1e-5);
        model.Metadata[DarknetMetadata.Fork].AsString().ShouldBe("alexeyab");
    }

    [Fact]
    public void Read_TransposedConnected_StoredInputsByOutputsBecomesOutputsByInputs()
    {
        // Given: a 2 x 2 x 1 input to 3 outputs, header minor 1001 (transpose flag, 32-bit seen)
        string cfg = "[net]\nwidth=2\nheight=2\nchannels=1\n[connected]\noutput=3\nactivation=linear\n";
        byte[] weights = TestModels.Weights(3 + 12, major: 0, minor: 1001);
        float[] stored = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weights.AsSpan(16)).ToArray();

        Model model = Reading.Read(_folder, cfg, weights);

        float[] w = model.Graph.Initializers["0.weights"].AsSpan<float>().ToArray();
        model.Graph.Initializers["0.weights"].Shape.ShouldBe(TensorShape.Of(3, 4));
        for (int o = 0; o < 3; o++)
        {
            for (int i = 0; i < 4; i++)
            {
                w[(o * 4) + i].ShouldBe(stored[3 + (i * 3) + o]);
            }
        }

        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Flatten", "Gemm"]);
    }
}
