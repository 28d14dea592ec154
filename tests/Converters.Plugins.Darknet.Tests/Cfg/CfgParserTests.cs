using Converters.Ir;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Cfg;

public sealed class CfgParserTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_WhitespaceInsideLines_IsRemovedAsDarknetDoes()
    {
        // Given: spaces and tabs inside keys and values, CRLF line ends
        string cfg = "[net]\r\nwid th = 8\r\nheight=\t8\r\nchannels=3\r\n\r\n[ convolutional ]\r\nfil ters = 4\r\nsize=1\r\nactivation = lin ear\r\n";

        // When
        Model model = Reading.Read(_folder, cfg);

        // Then
        model.Graph.Initializers["0.weights"].Shape.ShouldBe(TensorShape.Of(4, 3, 1, 1));
        model.Graph.Nodes.ShouldHaveSingleItem().OpType.ShouldBe("Conv");
        model.Graph.Nodes[0].Metadata[DarknetMetadata.Section].AsString().ShouldBe("[convolutional]");
        model.Graph.Nodes[0].Metadata[DarknetMetadata.Keys].AsStrings().ShouldBe(["filters=4", "size=1", "activation=linear"]);
    }

    [Fact]
    public void Read_DuplicateKey_FirstWins()
    {
        Model model = Reading.Read(_folder, "[net]\nwidth=8\nheight=8\nchannels=3\n[conv]\nfilters=4\nfilters=8\nsize=1\nactivation=linear\n");

        model.Graph.Initializers["0.weights"].Shape.ShouldBe(TensorShape.Of(4, 3, 1, 1));
        model.Graph.Nodes[0].Metadata[DarknetMetadata.Section].AsString().ShouldBe("[conv]");
    }

    [Fact]
    public void Read_PadOne_OverridesPaddingWithHalfTheSize()
    {
        Model model = Reading.Read(_folder, "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=2\nsize=5\npadding=7\npad=1\nactivation=linear\n");

        model.Graph.Nodes[0].Attributes["pads"].AsInts().ShouldBe([2L, 2, 2, 2]);
        model.Graph.FindValue("0")!.ShouldNotBeNull();
    }

    [Fact]
    public void Read_DefaultActivation_IsLogistic()
    {
        Model model = Reading.Read(_folder, "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=2\n");

        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Sigmoid"]);
        model.Graph.Nodes[1].Outputs.ShouldBe(["0"]);
        model.Graph.Nodes[0].Outputs.ShouldBe(["0.conv"]);
    }

    [Fact]
    public void Read_MaxpoolDefaults_PaddingIsSizeMinusOneSplitAsDarknet()
    {
        // Given: yolov3-tiny's size=2 stride=1 pool, which keeps 13 x 13
        Model model = Reading.Read(_folder, "[net]\nwidth=13\nheight=13\nchannels=3\n[maxpool]\nsize=2\nstride=1\n[maxpool]\nstride=2\n");
        Ir.Schemas.ShapeInference.Run(model.Graph);

        model.Graph.Nodes[0].Attributes["pads"].AsInts().ShouldBe([0L, 0, 1, 1]);
        model.Graph.FindValue("0")!.Shape.ShouldBe(TensorShape.Of(1, 3, 13, 13));
        model.Graph.Nodes[1].Attributes["kernel_shape"].AsInts().ShouldBe([2L, 2]);
        model.Graph.FindValue("1")!.Shape.ShouldBe(TensorShape.Of(1, 3, 7, 7));
    }

    [Fact]
    public void Read_RouteRelativeAndAbsolute_ConcatsTheRightLayers()
    {
        Model model = Reading.Read(_folder, TestModels.TinyCfg + "[route]\nlayers=1,-2\n");

        model.Graph.Nodes.Single(n => n.Name == "3.concat").Inputs.ShouldBe(["2", "1"]);
        model.Graph.Nodes.Single(n => n.Name == "4.concat").Inputs.ShouldBe(["1", "2"]);
        model.Graph.Outputs.ShouldBe(["4"]);
    }

    [Theory]
    [InlineData("leaky", "LeakyRelu")]
    [InlineData("relu", "Relu")]
    [InlineData("logistic", "Sigmoid")]
    [InlineData("tanh", "Tanh")]
    [InlineData("mish", "Mish")]
    [InlineData("swish", "Swish")]
    [InlineData("relu6", "Relu6")]
    [InlineData("elu", "Elu")]
    [InlineData("relie", "LeakyRelu")]
    public void Read_Activation_MapsToItsIrOp(string activation, string opType)
    {
        Model model = Reading.Read(_folder, $"[net]\nwidth=4\nheight=4\nchannels=1\n[conv]\nfilters=1\nactivation={activation}\n");

        model.Graph.Nodes[^1].OpType.ShouldBe(opType);
        model.Graph.Nodes[^1].Name.ShouldBe($"0.{activation}");
    }

    [Fact]
    public void Read_LinearActivation_AddsNoNode()
    {
        Model model = Reading.Read(_folder, "[net]\nwidth=4\nheight=4\nchannels=1\n[conv]\nfilters=1\nactivation=linear\n");

        model.Graph.Nodes.ShouldHaveSingleItem().Outputs.ShouldBe(["0"]);
    }

    [Fact]
    public void Read_NetworkHeader_IsAcceptedAndKeptWithItsKeys()
    {
        Model model = Reading.Read(_folder, "[network]\nbatch=64\nwidth=4\nheight=4\nchannels=1\nlearning_rate=0.001\n[avg]\n");

        model.Metadata[DarknetMetadata.NetSection].AsString().ShouldBe("[network]");
        model.Metadata[DarknetMetadata.NetKeys].AsStrings().ShouldBe(["batch=64", "width=4", "height=4", "channels=1", "learning_rate=0.001"]);
        model.Graph.Inputs.ShouldHaveSingleItem().Shape.ShouldBe(TensorShape.Of(1, 1, 4, 4));
    }
}
