using Converters.Ir;
using Converters.Plugins.Caffe.Proto;
using Converters.Testing;
using Google.Protobuf;

namespace Converters.Plugins.Caffe.Tests.Mapping;

public sealed class CaffeImporterTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_InPlaceLayers_BecomeSsaValues()
    {
        // Given: conv1 -> ReLU (in place) -> Dropout (in place) -> pool
        const string text = """
            input: "data" input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
            layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 4 kernel_size: 3 } }
            layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
            layer { name: "drop1" type: "Dropout" bottom: "conv1" top: "conv1" }
            layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            """;

        // When
        Model model = Reading.ReadText(_folder, text);

        // Then: hand-worked shapes: 8 - 3 + 1 = 6, ceil((6 - 2) / 2) + 1 = 3
        Graph g = model.Graph;
        g.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Relu", "Dropout", "MaxPool"]);
        g.Nodes.Select(n => n.Outputs[0]).ShouldBe(["conv1", "conv1/relu1", "conv1/drop1", "pool1"]);
        g.Nodes[1].Inputs.ShouldBe(["conv1"]);
        g.Nodes[2].Inputs.ShouldBe(["conv1/relu1"]);
        g.Nodes[3].Inputs.ShouldBe(["conv1/drop1"]);
        g.Outputs.ShouldBe(["pool1"]);
        g.ValueInfos["pool1"].Shape.ShouldBe(TensorShape.Of(1, 4, 3, 3));
        g.Initializers["conv1.weight"].Shape.ShouldBe(TensorShape.Of(4, 3, 3, 3));
        model.Metadata[CaffeMetadata.InputForm].AsString().ShouldBe("input_shape");
        model.Metadata[CaffeMetadata.Weights].AsString().ShouldBe("absent");
    }

    [Theory]
    [InlineData("input: \"data\"\ninput_dim: 2\ninput_dim: 3\ninput_dim: 5\ninput_dim: 7\n", "input_dim")]
    [InlineData("input: \"data\"\ninput_shape { dim: 2 dim: 3 dim: 5 dim: 7 }\n", "input_shape")]
    [InlineData("layer { name: \"in\" type: \"Input\" top: \"data\" input_param { shape { dim: 2 dim: 3 dim: 5 dim: 7 } } }\n", "layer")]
    public void Read_EachInputForm_DeclaresTheInput(string declaration, string form)
    {
        // Given
        string text = declaration + "layer { name: \"s\" type: \"Sigmoid\" bottom: \"data\" top: \"s\" }\n";

        // When
        Model model = Reading.ReadText(_folder, text);

        // Then
        model.Graph.Inputs.Single().ShouldBe(new ValueInfo("data", DataType.Float32, TensorShape.Of(2, 3, 5, 7)));
        model.Metadata[CaffeMetadata.InputForm].AsString().ShouldBe(form);
    }

    [Fact]
    public void Read_V1Layers_UpgradesTypesAndParams()
    {
        // Given
        const string text = """
            input: "data" input_dim: 1 input_dim: 2 input_dim: 4 input_dim: 4
            layers { name: "c" type: CONVOLUTION bottom: "data" top: "c" blobs_lr: 1 blobs_lr: 2 weight_decay: 1 weight_decay: 0 convolution_param { num_output: 3 kernel_size: 1 } }
            layers { name: "t" type: TANH bottom: "c" top: "t" }
            """;

        // When
        Model model = Reading.ReadText(_folder, text);

        // Then
        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Tanh"]);
        model.Metadata[CaffeMetadata.LayerFormat].AsString().ShouldBe("layers");
        model.Graph.Nodes[0].Metadata[CaffeMetadata.Extra].AsString().ShouldBe("param {\n  lr_mult: 1\n  decay_mult: 1\n}\nparam {\n  lr_mult: 2\n  decay_mult: 0\n}\n");
    }

    [Fact]
    public void Read_CaffemodelWithUnpackedLegacyAndDoubleBlobs_ReadsTheValues()
    {
        // Given: weights stored unpacked (field 5 once per float) with a legacy 4-D shape, bias as double_data
        const string text = """
            input: "data" input_dim: 1 input_dim: 2 input_dim: 1 input_dim: 1
            layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 2 } }
            """;
        float[] weights = [1.5f, -2f, 0.25f, 4f];
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        var blob0 = new MemoryStream();
        var blobOut = new CodedOutputStream(blob0);
        foreach ((int field, int value) in new[] { (1, 1), (2, 1), (3, 2), (4, 2) })
        {
            blobOut.WriteTag(field, WireFormat.WireType.Varint);
            blobOut.WriteInt32(value);
        }

        foreach (float w in weights)
        {
            blobOut.WriteTag(5, WireFormat.WireType.Fixed32);
            blobOut.WriteFloat(w);
        }

        blobOut.Flush();
        var bias = new BlobProto { Shape = new BlobShape { Dim = { 2 } } };
        bias.DoubleData.AddRange([0.5, -0.125]);
        var layer = new MemoryStream();
        var layerOut = new CodedOutputStream(layer);
        layerOut.WriteTag(1, WireFormat.WireType.LengthDelimited);
        layerOut.WriteString("ip");
        layerOut.WriteTag(7, WireFormat.WireType.LengthDelimited);
        layerOut.WriteBytes(ByteString.CopyFrom(blob0.ToArray()));
        layerOut.WriteTag(7, WireFormat.WireType.LengthDelimited);
        layerOut.WriteBytes(bias.ToByteString());
        layerOut.Flush();
        output.WriteTag(100, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(layer.ToArray()));
        output.Flush();

        // When
        Model model = Reading.ReadText(_folder, text, stream.ToArray());

        // Then
        model.Graph.Initializers["ip.weight"].AsSpan<float>().ToArray().ShouldBe(weights);
        model.Graph.Initializers["ip.weight"].Shape.ShouldBe(TensorShape.Of(2, 2));
        model.Graph.Initializers["ip.bias"].AsSpan<float>().ToArray().ShouldBe([0.5f, -0.125f]);
        model.Metadata[CaffeMetadata.Weights].AsString().ShouldBe("present");
    }

    [Theory]
    [InlineData(2.5f, 0.4f)]
    [InlineData(0f, 0f)]
    [InlineData(1f, 1f)]
    public void Read_BatchNorm_DividesStatisticsByTheFactorBlob(float factor, float multiplier)
    {
        // Given
        const string text = """
            input: "data" input_dim: 1 input_dim: 2 input_dim: 1 input_dim: 1
            layer { name: "bn" type: "BatchNorm" bottom: "data" top: "data" }
            """;
        var net = new NetParameter();
        var layer = new LayerParameter { Name = "bn" };
        layer.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 2 } }, Data = { 5f, -10f } });
        layer.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 2 } }, Data = { 2.5f, 7.5f } });
        layer.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 1 } }, Data = { factor } });
        net.Layer.Add(layer);

        // When
        Model model = Reading.ReadText(_folder, text, net.ToByteArray());

        // Then: Caffe's rule s = factor == 0 ? 0 : 1 / factor
        Node bn = model.Graph.Nodes.Single();
        bn.Attributes["epsilon_mode"].AsString().ShouldBe("variance");
        model.Graph.Initializers[bn.Inputs[3]].AsSpan<float>().ToArray().ShouldBe([5f * multiplier, -10f * multiplier], 1e-6);
        model.Graph.Initializers[bn.Inputs[4]].AsSpan<float>().ToArray().ShouldBe([2.5f * multiplier, 7.5f * multiplier], 1e-6);
    }

    [Fact]
    public void Read_TrainValNet_KeepsTrainingLayersAsMetadata()
    {
        // Given: a DummyData layer (shape known) feeding a net with a loss
        const string text = """
            layer { name: "d" type: "DummyData" top: "data" top: "label" dummy_data_param { shape { dim: 2 dim: 3 } shape { dim: 2 } } }
            layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" param { lr_mult: 1 } inner_product_param { num_output: 4 } }
            layer { name: "drop" type: "Dropout" bottom: "ip" top: "ip" include { phase: TRAIN } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
            """;

        // When
        Model model = Reading.ReadText(_folder, text);

        // Then
        model.Graph.Inputs.Single().Name.ShouldBe("data");
        model.Graph.Nodes.Select(n => n.Name).ShouldBe(["ip"]);
        string[] skipped = [.. model.Metadata[CaffeMetadata.SkippedLayers].AsStrings()];
        skipped.Select(s => s.Split('\t')[0]).ShouldBe(["0", "2", "3"]);
        skipped[2].ShouldContain("type: \"SoftmaxWithLoss\"");
    }
}
