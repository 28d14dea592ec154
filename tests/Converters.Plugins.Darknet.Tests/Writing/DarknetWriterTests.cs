using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Plugins.Darknet.Tests.Writing;

public sealed class DarknetWriterTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private (string Cfg, string Weights) Convert(string cfgText, byte[] weights, params string[] extra)
    {
        string cfg = _folder.WriteText("in/model.cfg", cfgText);
        string input = _folder.WriteFile("in/model.weights", weights);
        string output = _folder.Combine("out");
        (int code, string stdout, string stderr) = CliRunner.Run(["convert", cfg, input, "--to", "darknet", "-o", output, .. extra]);
        code.ShouldBe(0, stderr + stdout);
        return (Path.Combine(output, "model.cfg"), Path.Combine(output, "model.weights"));
    }

    [Fact]
    public void Convert_AlexeyAbFeatures_WeightsByteIdenticalAndCfgReadsBackToTheSameGraph()
    {
        // Given: route groups, mish, swish, shortcut per_channel weights, scale_channels, sam, [batchnorm], header 0.2.5
        byte[] weights = TestModels.Weights(TestModels.AlexeyFloats, 0, 2, 5, seen: 1L << 40);

        // When
        (string cfg, string written) = Convert(TestModels.AlexeyCfg, weights, "--darknet-fork", "alexeyab");

        // Then
        File.ReadAllBytes(written).ShouldBe(weights);
        Model original = Reading.Read(_folder, TestModels.AlexeyCfg, weights, fork: "alexeyab");
        Model copy = new DarknetFormat().Read([ModelFile.Open(cfg), ModelFile.Open(written)], new FormatOptions([new(DarknetFormat.ForkOption, "alexeyab")]));
        copy.Graph.Nodes.Select(Describe).ShouldBe(original.Graph.Nodes.Select(Describe));
        string text = File.ReadAllText(cfg);
        text.ShouldContain("[route]\nlayers=-1,-2\n");
        text.ShouldContain("anchors=10,13,16,30,33,23\n");
        text.ShouldContain("[shortcut]\nfrom=0\nweights_type=per_channel\nweights_normalization=relu\nactivation=linear\n");
        text.ShouldStartWith("[net]\nwidth=16\nheight=16\nchannels=3\nmosaic=1\n\n[convolutional]\n");
    }

    [Fact]
    public void Convert_TinyModel_CfgKeepsKeysInOrderWithoutComments()
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats, seen: 99);

        (string cfg, string written) = Convert(TestModels.TinyCfg, weights);

        File.ReadAllBytes(written).ShouldBe(weights);
        File.ReadAllText(cfg).ShouldBe("""
            [net]
            batch=64
            width=8
            height=8
            channels=3

            [convolutional]
            batch_normalize=1
            filters=4
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            filters=2
            size=1
            stride=1
            activation=linear

            [route]
            layers=-1,-2

            """);
    }

    [Theory]
    [InlineData("0.1.0", 16)]
    [InlineData("0.2.5", 20)]
    public void Convert_HeaderOption_WritesThatVersion(string version, int headerBytes)
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats, seen: 99);

        (_, string written) = Convert(TestModels.TinyCfg, weights, "--darknet-header", version);

        byte[] bytes = File.ReadAllBytes(written);
        bytes.Length.ShouldBe(headerBytes + (TestModels.TinyFloats * 4));
        bytes.AsSpan(headerBytes).SequenceEqual(weights.AsSpan(20)).ShouldBeTrue();
        BitConverter.ToInt32(bytes, 8).ShouldBe(version == "0.2.5" ? 5 : 0);
    }

    [Fact]
    public void Convert_TransposedConnectedAndRamp_RoundTripExactly()
    {
        string cfg = "[net]\nwidth=2\nheight=2\nchannels=1\n[conv]\nfilters=2\nsize=1\nactivation=ramp\n[connected]\noutput=3\nbatch_normalize=1\nactivation=leaky\n[dropout]\nprobability=.4\n[softmax]\n[cost]\n";
        byte[] weights = TestModels.Weights(4 + (3 + 24 + 9), major: 0, minor: 1001);

        (string written, string writtenWeights) = Convert(cfg, weights);

        File.ReadAllBytes(writtenWeights).ShouldBe(weights);
        File.ReadAllText(written).ShouldContain("[conv]\nfilters=2\nsize=1\nactivation=ramp\n\n[connected]\noutput=3\nbatch_normalize=1\nactivation=leaky\n\n[dropout]\nprobability=.4\n\n[softmax]\n\n[cost]\n");
    }

    [Fact]
    public void Convert_SoftmaxTemperature_ReadIntoTheIrAndWrittenBack()
    {
        // Given: the tiny model (conv BN 3->4, maxpool, conv 4->2 1x1, route) with a global pool and a
        // softmax at temperature 3 (cifar.test.cfg's head); the new layers store no weights
        string cfgText = TestModels.TinyCfg + "[avgpool]\n\n[softmax]\ngroups=1\ntemperature=3\n";
        byte[] weights = TestModels.Weights(TestModels.TinyFloats);

        // When
        Model model = Reading.Read(_folder, cfgText, weights);
        (string cfg, string written) = Convert(cfgText, weights);

        // Then
        Node softmax = model.Graph.Nodes.Single(n => n.OpType == "Softmax");
        softmax.Attributes["temperature"].AsFloat().ShouldBe(3.0);
        File.ReadAllBytes(written).ShouldBe(weights);
        File.ReadAllText(cfg).ShouldEndWith("[softmax]\ngroups=1\ntemperature=3\n");
    }

    [Fact]
    public void Write_PrunedConv_WritesTheNewFiltersInPlace()
    {
        // Given: the tiny model with layer 2 pruned from 2 to 1 filter
        Model model = Reading.Read(_folder, TestModels.TinyCfg, TestModels.Weights(TestModels.TinyFloats));
        Graph g = model.Graph;
        g.Initializers["2.weights"] = TensorData.Create(TensorShape.Of(1, 4, 1, 1), g.Initializers["2.weights"].AsSpan<float>()[..4].ToArray());
        g.Initializers["2.biases"] = TensorData.Create(TensorShape.Of(1), g.Initializers["2.biases"].AsSpan<float>()[..1].ToArray());

        // When
        new DarknetFormat().Write(model, _folder.Combine("pruned"), "pruned", FormatOptions.Empty);

        // Then
        string text = File.ReadAllText(_folder.Combine("pruned/pruned.cfg"));
        text.ShouldContain("[convolutional]\nfilters=1\nsize=1\nstride=1\nactivation=linear\n");
        new FileInfo(_folder.Combine("pruned/pruned.weights")).Length.ShouldBe(20 + ((TestModels.TinyFloats - 5) * 4));
    }

    [Fact]
    public void Write_ForeignGraph_FusesConvBnActivationAndRoutesBack()
    {
        // Given: a graph not read from Darknet: conv+BN(stddev)+relu, then a conv reading the input's first conv output again
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 3, 8, 8)));
        g.AddInitializer("w1", TensorData.Zeros(DataType.Float32, TensorShape.Of(4, 3, 3, 3)));
        foreach (string n in new[] { "s", "b", "m", "v" })
        {
            g.AddInitializer(n, TensorData.Zeros(DataType.Float32, TensorShape.Of(4)));
        }

        g.AddInitializer("w2", TensorData.Zeros(DataType.Float32, TensorShape.Of(2, 4, 1, 1)));
        g.Add(new Node("Conv", "c1", ["x", "w1"], ["c1"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("BatchNormalization", "bn", ["c1", "s", "b", "m", "v"], ["bn"]).With("epsilon", 1e-6).With("epsilon_mode", "stddev"));
        g.Add(new Node("Relu", "r", ["bn"], ["r"]));
        g.Add(new Node("MaxPool", "p", ["r"], ["p"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(0, 0, 1, 1)));
        g.Add(new Node("Conv", "c2", ["r", "w2"], ["y"]));
        g.Outputs.Add("y");
        g.Outputs.Add("p");

        // When
        new DarknetFormat().Write(new Model(g), _folder.Combine("foreign"), "f", FormatOptions.Empty);

        // Then: keys at Darknet's defaults (size=1, maxpool padding=size-1) are left out
        File.ReadAllText(_folder.Combine("foreign/f.cfg")).ShouldBe("[net]\nbatch=1\nsubdivisions=1\nheight=8\nwidth=8\nchannels=3\n\n[convolutional]\nbatch_normalize=1\nfilters=4\nsize=3\npad=1\nactivation=relu\n\n[maxpool]\nsize=2\nstride=2\n\n[route]\nlayers=-2\n\n[convolutional]\nfilters=2\nactivation=linear\n");
        new FileInfo(_folder.Combine("foreign/f.weights")).Length.ShouldBe(20 + ((16 + 108 + 2 + 8) * 4));
    }

    [Fact]
    public void Write_ResidualAdd_BecomesShortcutAndComputesTheSame()
    {
        // Given: a residual block from another format: c2 = conv(conv(x)); y = relu(c1 + c2), with the Add's
        // operands in the "wrong" order for darknet (the earlier layer first) and random weights
        var random = new Random(5);
        TensorData Random(params int[] shape)
        {
            var t = TensorData.Zeros(DataType.Float32, TensorShape.Of(shape));
            Span<float> v = t.AsSpan<float>();
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = random.NextSingle() - 0.5f;
            }

            return t;
        }

        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 3, 6, 6)));
        g.AddInitializer("w1", Random(4, 3, 3, 3));
        g.AddInitializer("b1", Random(4));
        g.AddInitializer("w2", Random(4, 4, 3, 3));
        g.AddInitializer("b2", Random(4));
        g.Add(new Node("Conv", "c1", ["x", "w1", "b1"], ["c1"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("Conv", "c2", ["c1", "w2", "b2"], ["c2"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("Add", "res", ["c1", "c2"], ["res"]));
        g.Add(new Node("Relu", "act", ["res"], ["y"]));
        g.Outputs.Add("y");
        var model = new Model(g);
        Converters.Ir.Schemas.ShapeInference.Run(g);

        // When
        new DarknetFormat().Write(model, _folder.Combine("res"), "res", FormatOptions.Empty);

        // Then: a [shortcut] from the first conv onto the second, relu fused, and the same outputs
        string text = File.ReadAllText(_folder.Combine("res/res.cfg"));
        text.ShouldEndWith("[shortcut]\nfrom=-2\nactivation=relu\n");
        Model copy = new DarknetFormat().Read([ModelFile.Open(_folder.Combine("res/res.cfg")), ModelFile.Open(_folder.Combine("res/res.weights"))], FormatOptions.Empty);
        var inputs = new Dictionary<string, TensorData> { ["x"] = Random(1, 3, 6, 6) };
        TensorData expected = new Engine.InferenceSession(model).Run(inputs)["y"];
        TensorData actual = new Engine.InferenceSession(copy).Run(new Dictionary<string, TensorData> { [copy.Graph.Inputs[0].Name] = inputs["x"] })[copy.Graph.Outputs[0]];
        actual.AsSpan<float>().ToArray().ShouldBe(expected.AsSpan<float>().ToArray(), 1e-5f);
    }

    [Fact]
    public void Write_AddWithConstant_FailsNamingTheNode()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 3, 8, 8)));
        g.AddInitializer("k", TensorData.Zeros(DataType.Float32, TensorShape.Of(1, 3, 8, 8)));
        g.Add(new Node("Add", "plus", ["x", "k"], ["y"]));
        g.Outputs.Add("y");

        var ex = Should.Throw<UnsupportedOperatorException>(() => new DarknetFormat().Write(new Model(g), _folder.Combine("bad"), "bad", FormatOptions.Empty));

        ex.Message.ShouldBe("Add 'plus': [shortcut] adds two layer outputs of the same shape; this Add has a constant operand or operands of different shapes");
    }

    [Fact]
    public void Write_OpDarknetCannotExpress_FailsNamingTheNodeAndLeavesNoFiles()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 3, 8, 8)));
        g.Add(new Node("Transpose", "t", ["x"], ["y"]).With("perm", AttributeValue.FromInts(0, 1, 3, 2)));
        g.Outputs.Add("y");

        var ex = Should.Throw<UnsupportedOperatorException>(() => new DarknetFormat().Write(new Model(g), _folder.Combine("bad"), "bad", FormatOptions.Empty));

        ex.OperatorName.ShouldBe("Transpose");
        ex.Message.ShouldStartWith("node 't': operator 'Transpose' has no Darknet section here; supported: Conv, ");
        (Directory.Exists(_folder.Combine("bad")) ? Directory.GetFiles(_folder.Combine("bad")) : []).ShouldBeEmpty();
    }

    private static string Describe(Node n) =>
        $"{n.Name} {n.OpType}({string.Join(",", n.Inputs)})->{string.Join(",", n.Outputs)} {string.Join(";", n.Attributes.Select(a => $"{a.Key}={a.Value}"))}";
}
