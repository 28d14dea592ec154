using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Proto;
using Converters.Plugins.Caffe.Tests.Conformance;
using Converters.Testing;

namespace Converters.Plugins.Caffe.Tests.Writing;

public sealed class CaffeWriterTests : IDisposable
{
    private const string TrainVal = """
        # LeNet for training and testing
        # (train_val form: data, loss and accuracy layers)

        name: "LeNet"
        layer {
          name: "mnist"
          type: "Data"
          top: "data"
          top: "label"
          include { phase: TRAIN }
          transform_param { scale: 0.00390625 }
          data_param { source: "examples/mnist/mnist_train_lmdb" batch_size: 64 backend: LMDB }
        }
        layer {
          name: "mnist"
          type: "Data"
          top: "data"
          top: "label"
          include { phase: TEST }
          transform_param { scale: 0.00390625 }
          data_param { source: "examples/mnist/mnist_test_lmdb" batch_size: 100 backend: LMDB }
        }
        # first convolution, with learning-rate multipliers
        layer {
          name: "conv1"
          type: "Convolution"
          bottom: "data"
          top: "conv1"
          param { lr_mult: 1 }
          param { lr_mult: 2 }
          convolution_param {
            num_output: 20
            kernel_size: 5
            stride: 1
            weight_filler { type: "xavier" }
            bias_filler { type: "constant" }
          }
        }
        layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: "ip1" type: "InnerProduct" bottom: "pool1" top: "ip1" inner_product_param { num_output: 10 weight_filler { type: "xavier" } } }
        layer { name: "accuracy" type: "Accuracy" bottom: "ip1" bottom: "label" top: "accuracy" include { phase: TEST } }
        layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip1" bottom: "label" top: "loss" }
        """;

    private readonly TempDirectory _folder = new();

    public static TheoryData<string> Cases => LayerCases.Names();

    public void Dispose() => _folder.Dispose();

    private (string Prototxt, string Caffemodel) Write(Model model, string directory, bool legacy = false)
    {
        FormatOptions options = legacy ? new FormatOptions([new(CaffeFormat.LegacyOption, null)]) : FormatOptions.Empty;
        IReadOnlyList<string> files = new CaffeFormat().Write(model, _folder.Combine(directory), "net", options);
        files.Count.ShouldBe(2);
        return (files.Single(f => f.EndsWith(".prototxt", StringComparison.Ordinal)), files.Single(f => f.EndsWith(".caffemodel", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_ReadNet_SecondRoundTripIsByteIdentical(string name)
    {
        // Given
        LayerCase c = LayerCases.All[name];
        Model original = Reading.ReadText(_folder, c.Prototxt, Caffemodels.Build(3, c.Blobs));

        // When: read -> write -> read -> write
        (string p1, string m1) = Write(original, "first");
        (string p2, string m2) = Write(Reading.Read(p1, m1), "second");

        // Then
        File.ReadAllText(p2).ShouldBe(File.ReadAllText(p1));
        File.ReadAllBytes(m2).ShouldBe(File.ReadAllBytes(m1));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_ReadNet_KeepsEveryBlobsBytes(string name)
    {
        // Given
        LayerCase c = LayerCases.All[name];
        byte[] caffemodel = Caffemodels.Build(4, c.Blobs);
        Model model = Reading.ReadText(_folder, c.Prototxt, caffemodel);

        // When
        (_, string written) = Write(model, "out");

        // Then: every blob of the input caffemodel comes back under its layer name with the same floats, bit for bit
        NetParameter before = NetParameter.Parser.ParseFrom(caffemodel);
        NetParameter after = NetParameter.Parser.ParseFrom(File.ReadAllBytes(written));
        foreach (LayerParameter layer in before.Layer)
        {
            LayerParameter back = after.Layer.Single(l => l.Name == layer.Name);
            back.Blobs.Count.ShouldBe(layer.Blobs.Count, layer.Name);
            for (int i = 0; i < layer.Blobs.Count; i++)
            {
                Bits(back.Blobs[i].Data).ShouldBe(Bits(layer.Blobs[i].Data), $"{layer.Name} blob {i}");
                back.Blobs[i].Shape.Dim.ShouldBe(layer.Blobs[i].Shape.Dim, $"{layer.Name} blob {i}");
            }
        }
    }

    private static int[] Bits(IEnumerable<float> values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    [Fact]
    public void Write_LegacyBlobs_KeepsLegacyShapesAndValues()
    {
        // Given: a V1 caffemodel with legacy num/channels/height/width shapes, inner product weights as 1 x 1 x N x K
        const string text = """
            input: "data"
            input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3
            layers { name: "ip" type: INNER_PRODUCT bottom: "data" top: "ip" inner_product_param { num_output: 4 } }
            """;
        var random = new Random(9);
        var net = new NetParameter();
        var ip = new V1LayerParameter { Name = "ip" };
        var w = new BlobProto { Num = 1, Channels = 1, Height = 4, Width = 18 };
        w.Data.AddRange(BlobSpec.Random(72).Values(random));
        var b = new BlobProto { Num = 1, Channels = 1, Height = 1, Width = 4 };
        b.Data.AddRange(BlobSpec.Random(4).Values(random));
        ip.Blobs.AddRange([w, b]);
        net.Layers.Add(ip);
        Model model = Reading.ReadText(_folder, text, Google.Protobuf.MessageExtensions.ToByteArray(net));

        // When
        (_, string written) = Write(model, "out");

        // Then
        LayerParameter back = NetParameter.Parser.ParseFrom(File.ReadAllBytes(written)).Layer.Single(l => l.Name == "ip");
        back.Blobs[0].Num.ShouldBe(1);
        back.Blobs[0].Height.ShouldBe(4);
        back.Blobs[0].Width.ShouldBe(18);
        back.Blobs[0].Shape.ShouldBeNull();
        Bits(back.Blobs[0].Data).ShouldBe(Bits(w.Data));
        Bits(back.Blobs[1].Data).ShouldBe(Bits(b.Data));
    }

    [Fact]
    public void Write_TrainValNet_KeepsTrainingLayersCommentsAndParams()
    {
        // Given: a train_val net; the TEST data layer feeds a 1 x 1 x 28 x 28 input
        string prototxt = _folder.WriteText("lenet_train_val.prototxt", TrainVal);
        Model model = Reading.Read(prototxt, options: new FormatOptions([new(CaffeFormat.InputShapeOption, "1,1,28,28")]));

        // When
        (string p1, string m1) = Write(model, "first");
        Model again = Reading.Read(p1, m1, new FormatOptions([new(CaffeFormat.InputShapeOption, "1,1,28,28")]));
        (string p2, _) = Write(again, "second");

        // Then: the same layers in the same order, with their phases, params and comments; stable afterwards
        var layers = ((NetParameter)CaffeReader.ParseNet(p1).Root).Layer;
        layers.Select(l => l.Name).ShouldBe(["mnist", "mnist", "conv1", "pool1", "ip1", "accuracy", "loss"]);
        layers[0].Include[0].Phase.ShouldBe(Phase.Train);
        layers[1].DataParam.Source.ShouldBe("examples/mnist/mnist_test_lmdb");
        layers[2].Param.Select(p => p.LrMult).ShouldBe([1f, 2f]);
        layers[2].ConvolutionParam.WeightFiller.Type.ShouldBe("xavier");
        layers[6].Type.ShouldBe("SoftmaxWithLoss");
        string text = File.ReadAllText(p1);
        text.ShouldStartWith("# LeNet for training and testing\n# (train_val form: data, loss and accuracy layers)\n\nname: \"LeNet\"\n");
        text.ShouldContain("# first convolution, with learning-rate multipliers\nlayer {\n  name: \"conv1\"");
        File.ReadAllText(p2).ShouldBe(text);
        model.Graph.Outputs.ShouldBe(["ip1"]);
    }

    [Fact]
    public void Write_LegacyOption_WritesV1Layers()
    {
        // Given
        LayerCase c = LayerCases.All["squeezenet_fire"];
        Model model = Reading.ReadText(_folder, c.Prototxt, Caffemodels.Build(3, c.Blobs));

        // When
        (string prototxt, string caffemodel) = Write(model, "v1", legacy: true);

        // Then
        NetParameter net = (NetParameter)CaffeReader.ParseNet(prototxt).Root;
        net.Layer.Count.ShouldBe(0);
        net.Layers.Select(l => l.Type).ShouldContain(V1LayerParameter.Types.LayerType.Convolution);
        net.InputDim.ShouldBe([1, 3, 23, 23]);
        NetParameter.Parser.ParseFrom(File.ReadAllBytes(caffemodel)).Layers.Single(l => l.Name == "conv1").Blobs.Count.ShouldBe(2);
        Reading.Read(prototxt, caffemodel).Graph.Nodes.Count.ShouldBe(model.Graph.Nodes.Count);
    }

    [Fact]
    public void Write_LegacyOptionWithBatchNorm_ThrowsNamingTheLayer()
    {
        // Given: BatchNorm has no V1 type
        LayerCase c = LayerCases.All["batch_norm_factor"];
        Model model = Reading.ReadText(_folder, c.Prototxt, Caffemodels.Build(3, c.Blobs));

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => Write(model, "v1", legacy: true));

        // Then: nothing is left behind
        ex.Message.ShouldContain("layer 'l': V1 layers have no type 'BatchNorm'");
        (Directory.Exists(_folder.Combine("v1")) ? Directory.GetFiles(_folder.Combine("v1"), "*", SearchOption.AllDirectories) : []).ShouldBeEmpty();
    }

    [Fact]
    public void Write_Reshape_KeepsTheCopyAndInferDims()
    {
        // Given: reshape_param { shape { dim: 0 dim: 2 dim: -1 } } on 2 x 4 x 9 x 11
        LayerCase c = LayerCases.All["reshape_softmax_axis"];
        Model model = Reading.ReadText(_folder, c.Prototxt);

        // When
        (string prototxt, _) = Write(model, "out");

        // Then
        LayerParameter reshape = ((NetParameter)CaffeReader.ParseNet(prototxt).Root).Layer.Single(l => l.Type == "Reshape");
        reshape.ReshapeParam.Shape.Dim.ShouldBe([0L, 2, -1]);
        model.Graph.Nodes.Single(n => n.OpType == "Reshape").Attributes["shape"].AsInts().ShouldBe([2L, 2, 198]);
    }

    [Fact]
    public void Write_ConvolutionFromOtherFormat_DerivesTheParameters()
    {
        // Given: a Conv node without Caffe metadata (as another format's reader makes it)
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 4, 6, 6)));
        graph.AddInitializer("w", TensorData.Zeros(DataType.Float32, TensorShape.Of(6, 2, 3, 1)));
        var conv = new Node("Conv", "conv", ["x", "w"], ["y"]);
        conv.Attributes["group"] = 2L;
        conv.Attributes["pads"] = AttributeValue.FromInts(1, 0, 1, 0);
        conv.Attributes["strides"] = AttributeValue.FromInts(2, 1);
        graph.Nodes.Add(conv);
        graph.Outputs.Add("y");
        var model = new Model(graph);
        Converters.Ir.Schemas.ShapeInference.Run(graph);

        // When
        (string prototxt, _) = Write(model, "out");

        // Then: the hand-derived Caffe parameters
        NetParameter net = (NetParameter)CaffeReader.ParseNet(prototxt).Root;
        net.Layer[0].Type.ShouldBe("Input");
        ConvolutionParameter p = net.Layer[1].ConvolutionParam;
        (p.NumOutput, p.BiasTerm, p.Group, p.KernelH, p.KernelW, p.PadH, p.PadW, p.StrideH, p.StrideW).ShouldBe((6u, false, 2u, 3u, 1u, 1u, 0u, 2u, 1u));
        net.Layer[1].Bottom.ShouldBe(["x"]);
        net.Layer[1].Top.ShouldBe(["y"]);
    }

    [Theory]
    [InlineData(32, 2, 2, false)] // floor (32-2)/2+1 = 16 = ceil: Caffe's default already gives it
    [InlineData(32, 3, 2, true)] // floor 15, Caffe's ceil 16: only round_mode FLOOR says so
    [InlineData(7, 3, 3, true)] // floor 2, ceil 3
    public void Write_FloorPoolingFromOtherFormat_SpellsRoundModeOnlyWhenTheSizeDiffers(int size, int kernel, int stride, bool expectRoundMode)
    {
        // Given: a floor-mode MaxPool as another format's reader makes it (no Caffe metadata). OpenCV's
        // Caffe importer and older Caffe builds reject the late BVLC field round_mode.
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 2, size, size)));
        var pool = new Node("MaxPool", "pool", ["x"], ["y"]);
        pool.Attributes["kernel_shape"] = AttributeValue.FromInts(kernel, kernel);
        pool.Attributes["strides"] = AttributeValue.FromInts(stride, stride);
        graph.Nodes.Add(pool);
        graph.Outputs.Add("y");
        Converters.Ir.Schemas.ShapeInference.Run(graph);
        TensorShape expected = graph.FindValue("y")!.Shape;

        // When
        (string prototxt, string caffemodel) = Write(new Model(graph), $"pool{size}_{kernel}_{stride}");

        // Then: round_mode appears exactly when needed, and the net read back has the same output size
        File.ReadAllText(prototxt).Contains("round_mode", StringComparison.Ordinal).ShouldBe(expectRoundMode);
        Model back = new CaffeFormat().Read([ModelFile.Open(prototxt), ModelFile.Open(caffemodel)], FormatOptions.Empty);
        back.Graph.FindValue(back.Graph.Outputs[0])!.Shape.ShouldBe(expected);
    }

    [Fact]
    public void Write_ExplicitRoundMode_IsKeptOnRoundTrip()
    {
        // Given a prototxt that spells out round_mode although ceil and floor agree here
        string path = _folder.Combine("explicit.prototxt");
        File.WriteAllText(path, """
            input: "data" input_dim: 1 input_dim: 1 input_dim: 8 input_dim: 8
            layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: MAX kernel_size: 2 stride: 2 round_mode: FLOOR } }
            layer { name: "q" type: "Pooling" bottom: "p" top: "q" pooling_param { pool: MAX kernel_size: 2 stride: 2 round_mode: CEIL } }
            """);
        Model model = new CaffeFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);

        // When
        (string prototxt, _) = Write(model, "explicit");

        // Then
        string text = File.ReadAllText(prototxt);
        text.ShouldContain("round_mode: FLOOR");
        text.ShouldContain("round_mode: CEIL");
    }

    [Fact]
    public void Write_AsymmetricConvolutionPadding_ThrowsNamingTheNode()
    {
        // Given
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 1, 6, 6)));
        graph.AddInitializer("w", TensorData.Zeros(DataType.Float32, TensorShape.Of(1, 1, 2, 2)));
        var conv = new Node("Conv", "conv7", ["x", "w"], ["y"]);
        conv.Attributes["pads"] = AttributeValue.FromInts(0, 0, 1, 1);
        graph.Nodes.Add(conv);
        graph.Outputs.Add("y");

        // When
        var ex = Should.Throw<ModelFormatException>(() => Write(new Model(graph), "out"));

        // Then
        ex.FieldPath.ShouldBe("conv7");
        ex.Message.ShouldContain("Caffe cannot express asymmetric padding 0,0,1,1");
    }

    [Fact]
    public void Write_UnsupportedOp_ThrowsListingTheSupportedOnes()
    {
        // Given
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 1, 6, 6)));
        var node = new Node("Mish", "m", ["x"], ["y"]);
        graph.Nodes.Add(node);
        graph.Outputs.Add("y");

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => Write(new Model(graph), "out"));

        // Then
        ex.OperatorName.ShouldBe("Mish");
        ex.Message.ShouldContain("supported: Add, AveragePool, BatchNormalization");
    }

    [Fact]
    public void Write_DoubleDataBlob_WritesTheDoublesBack()
    {
        // Given: a Scale layer whose blob is stored as double_data with values no float holds exactly
        const string text = """
            input: "data" input_dim: 1 input_dim: 3 input_dim: 1 input_dim: 1
            layer { name: "s" type: "Scale" bottom: "data" top: "s" }
            """;
        var net = new NetParameter();
        var layer = new LayerParameter { Name = "s" };
        var blob = new BlobProto { Shape = new BlobShape { Dim = { 3 } } };
        blob.DoubleData.AddRange([0.1, -1.0 / 3, 1e-40]);
        layer.Blobs.Add(blob);
        net.Layer.Add(layer);
        Model model = Reading.ReadText(_folder, text, Google.Protobuf.MessageExtensions.ToByteArray(net));

        // When
        (_, string written) = Write(model, "out");

        // Then
        BlobProto back = NetParameter.Parser.ParseFrom(File.ReadAllBytes(written)).Layer.Single(l => l.Name == "s").Blobs[0];
        back.Data.ShouldBeEmpty();
        back.DoubleData.ShouldBe([0.1, -1.0 / 3, 1e-40]);
        model.Graph.Initializers["s.scale"].AsSpan<float>().ToArray().ShouldBe([0.1f, -1f / 3, 1e-40f]);
    }
}
