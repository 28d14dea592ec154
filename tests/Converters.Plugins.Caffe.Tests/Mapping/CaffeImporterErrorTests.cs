using Converters.Abstractions;
using Converters.Plugins.Caffe.Proto;
using Converters.Testing;
using Google.Protobuf;

namespace Converters.Plugins.Caffe.Tests.Mapping;

public sealed class CaffeImporterErrorTests : IDisposable
{
    private const string Conv = """
        name: "n"
        input: "data"
        input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8
        layer {
          name: "conv1"
          type: "Convolution"
          bottom: "data"
          top: "conv1"
          convolution_param { num_output: 4 kernel_size: 3 }
        }

        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_UnknownLayerType_ThrowsNamingItAndTheSupportedOnes()
    {
        // Given
        string text = Conv + "layer {\n  name: \"x\"\n  type: \"Swizzle\"\n  bottom: \"conv1\"\n  top: \"x\"\n}\n";

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => Reading.ReadText(_folder, text));

        // Then
        ex.OperatorName.ShouldBe("Swizzle");
        ex.Message.ShouldContain("supported: BatchNorm, Bias, Concat, Convolution");
        ex.FilePath.ShouldEndWith("net.prototxt");
        (ex.Line, ex.Column, ex.FieldPath).ShouldBe((13, 9, "layer[1].type"));
    }

    [Fact]
    public void Read_UndefinedBottom_ThrowsAtTheBottom()
    {
        // Given
        string text = Conv + "layer { name: \"r\" type: \"ReLU\" bottom: \"conv2\" top: \"r\" }\n";

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, text));

        // Then
        (ex.Line, ex.Column, ex.FieldPath).ShouldBe((11, 40, "layer[1].bottom[0]"));
        ex.Message.ShouldBe("layer 'r': bottom 'conv2' is undefined: no earlier layer or input produces it");
    }

    [Fact]
    public void Read_GroupNotDividingChannels_ThrowsAtTheParameter()
    {
        // Given
        string text = Conv.Replace("kernel_size: 3 }", "kernel_size: 3 group: 2 }", StringComparison.Ordinal);

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, text));

        // Then
        ex.FieldPath.ShouldBe("layer[0].convolution_param.group");
        ex.Line.ShouldBe(9);
        ex.Message.ShouldContain("'group' 2 must divide the input channels 3 and num_output 4");
    }

    [Fact]
    public void Read_KernelLargerThanInput_ThrowsNamingTheLayer()
    {
        // Given
        string text = Conv.Replace("kernel_size: 3 }", "kernel_size: 11 }", StringComparison.Ordinal);

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, text));

        // Then
        ex.FieldPath.ShouldBe("layer[0].convolution_param");
        ex.Message.ShouldStartWith("layer 'conv1' (Convolution): ");
    }

    [Fact]
    public void Read_BlobShapeMismatch_ThrowsWithLayerAndBlobIndex()
    {
        // Given: a 5x5 kernel in the caffemodel for a 3x3 layer
        byte[] model = Caffemodels.Build(1, ("conv1", [BlobSpec.Random(4, 3, 5, 5), BlobSpec.Random(4)]));

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv, model));

        // Then
        ex.FilePath.ShouldEndWith("net.caffemodel");
        ex.FieldPath.ShouldBe("layer[0].blobs[0]");
        ex.Message.ShouldBe("layer 'conv1' (Convolution) blob 0 (weight): shape 4 x 3 x 5 x 5 in the caffemodel, but the net implies 4 x 3 x 3 x 3");
    }

    [Fact]
    public void Read_BlobCountMismatch_ThrowsNamingTheExpectedBlobs()
    {
        // Given: bias_term is true but the caffemodel has only the weights
        byte[] model = Caffemodels.Build(1, ("other", [BlobSpec.Random(1)]), ("conv1", [BlobSpec.Random(4, 3, 3, 3)]));

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv, model));

        // Then
        ex.FieldPath.ShouldBe("layer[1].blobs");
        ex.Message.ShouldBe("layer 'conv1' (Convolution) has 1 blob(s), but its parameters imply 2: weights, bias");
    }

    [Fact]
    public void Read_BlobWithTooFewValues_Throws()
    {
        // Given: a shape of 4 x 3 x 3 x 3 with 10 values
        var net = new NetParameter();
        var layer = new LayerParameter { Name = "conv1" };
        layer.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 4, 3, 3, 3 } }, Data = { new float[10] } });
        layer.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 4 } }, Data = { new float[4] } });
        net.Layer.Add(layer);

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv, net.ToByteArray()));

        // Then
        ex.Message.ShouldContain("10 values for shape 4 x 3 x 3 x 3 (108 expected)");
    }

    [Fact]
    public void Read_TruncatedCaffemodel_ThrowsWithByteOffset()
    {
        // Given
        byte[] model = Caffemodels.Build(1, ("conv1", [BlobSpec.Random(4, 3, 3, 3), BlobSpec.Random(4)]));
        byte[] truncated = model[..(model.Length - 7)];

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv, truncated));

        // Then
        ex.FilePath.ShouldEndWith("net.caffemodel");
        ex.ByteOffset.ShouldNotBeNull(ex.Message);
        // the cut is in the bias blob's data: its element starts after the weights (108 floats)
        ex.ByteOffset.Value.ShouldBeInRange(108 * 4, truncated.Length - 1, ex.Message);
        ex.InnerException.ShouldBeOfType<InvalidProtocolBufferException>();
        ex.Message.ShouldContain("runs past the end");
    }

    [Fact]
    public void Read_CaffemodelGivenAsPrototxt_ThrowsAtTheFirstBinaryByte()
    {
        // Given
        byte[] model = Caffemodels.Build(1, ("conv1", [BlobSpec.Random(4, 3, 3, 3), BlobSpec.Random(4)]));
        string path = _folder.WriteFile("weights.prototxt", model);

        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.Read(path));

        // Then
        ex.FilePath.ShouldBe(path);
        (ex.ByteOffset is not null || ex.Line is not null).ShouldBeTrue();
    }

    [Fact]
    public void Read_MissingInputShape_ThrowsAtTheInput()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, "input: \"data\"\nlayer { name: \"r\" type: \"ReLU\" bottom: \"data\" top: \"r\" }\n"));

        // Then
        (ex.Line, ex.FieldPath).ShouldBe((1, "input"));
        ex.Message.ShouldContain("input 'data' has no shape");
    }

    [Fact]
    public void Read_DataLayerWithoutShape_ThrowsSuggestingTheOption()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, """
            layer { name: "d" type: "Data" top: "data" data_param { source: "db" batch_size: 4 } }
            layer { name: "r" type: "ReLU" bottom: "data" top: "r" }
            """));

        // Then
        ex.FieldPath.ShouldBe("layer[1].bottom[0]");
        ex.Message.ShouldContain("--caffe-input-shape");
    }

    [Fact]
    public void Read_BatchStatisticsBatchNorm_ThrowsAtTheField()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv + "layer { name: \"bn\" type: \"BatchNorm\" bottom: \"conv1\" top: \"conv1\"\n  batch_norm_param { use_global_stats: false } }\n"));

        // Then
        (ex.Line, ex.FieldPath).ShouldBe((12, "layer[1].batch_norm_param.use_global_stats"));
    }

    [Fact]
    public void Read_BothLayerForms_Throws()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, Conv + "layers { name: \"t\" type: TANH bottom: \"conv1\" top: \"t\" }\n"));

        // Then
        ex.Message.ShouldContain("both V2 'layer' and legacy V1 'layers'");
        ex.Line.ShouldBe(11);
    }

    [Fact]
    public void Read_V0Layers_ThrowsSayingHowToUpgrade()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, "layers {\n  layer { name: \"conv1\" type: \"conv\" num_output: 96 }\n  bottom: \"data\"\n}\n"));

        // Then
        (ex.Line, ex.Column, ex.FieldPath).ShouldBe((2, 3, "layers[0].layer"));
        ex.Message.ShouldContain("legacy V0 layers");
    }

    [Fact]
    public void Read_HugeMemoryDataShape_ThrowsAFormatError()
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => Reading.ReadText(_folder, """
            layer { name: "d" type: "MemoryData" top: "data" memory_data_param { batch_size: 4294967295 channels: 3 height: 2 width: 2 } }
            layer { name: "r" type: "ReLU" bottom: "data" top: "r" }
            """));

        // Then
        ex.FilePath.ShouldEndWith("net.prototxt");
        ex.Message.ShouldContain("overflows");
    }
}
