using Converters.Abstractions;
using Converters.Testing;
using Google.Protobuf;
using Tensorflow;
using static Converters.Plugins.TensorFlow.Tests.GraphDefBuilder;

namespace Converters.Plugins.TensorFlow.Tests.Mapping;

/// <summary>GraphDefs the mapping refuses, each with the node, the field and a one-line reason.</summary>
public sealed class TensorFlowImporterErrorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private ModelFormatException ReadFails(GraphDefBuilder g)
    {
        string path = _folder.WriteFile("graph.pb", g.Graph.ToByteArray());
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => new TensorFlowFormat().Read([ModelFile.Open(path)], FormatOptions.Empty));
        ex.FilePath.ShouldBe(path);
        ex.Message.ShouldNotContain("\n");
        return ex;
    }

    [Fact]
    public void Read_UnknownOp_NamesNodeOpAndSupportedList()
    {
        // Given
        var g = new GraphDefBuilder();
        g.Op("gelu", "Gelu", [g.Placeholder("input", 1, 4)]);

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        UnsupportedOperatorException unsupported = ex.ShouldBeOfType<UnsupportedOperatorException>();
        unsupported.OperatorName.ShouldBe("Gelu");
        ex.Message.ShouldContain("'gelu'");
        ex.Message.ShouldContain("Conv2D, Conv2DBackpropInput, DepthwiseConv2dNative");
        ex.FieldPath.ShouldBe("node[1].op");
    }

    [Fact]
    public void Read_StridesNotAList_NamesNodeAndAttr()
    {
        // Given: strides given as a single int
        var g = new GraphDefBuilder();
        g.Op("conv", "Conv2D", [g.Placeholder("input", 1, 4, 4, 3), g.Random("k", -1, 1, 1, 1, 3, 2)], ("strides", new AttrValue { I = 2 }), ("padding", Str("SAME")));

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        ex.Message.ShouldContain("node 'conv' (Conv2D)");
        ex.Message.ShouldContain("attr 'strides' must be a list of 4 ints, got an int");
        ex.FieldPath.ShouldBe("node[2].attr.strides");
    }

    [Fact]
    public void Read_PaddingNotAString_NamesNodeAndAttr()
    {
        // Given
        var g = new GraphDefBuilder();
        g.Pool("pool", "MaxPool", g.Placeholder("input", 1, 4, 4, 3), 2, 2, "VALID");
        g.Graph.Node[1].Attr["padding"] = new AttrValue { F = 1f };

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        ex.Message.ShouldContain("node 'pool' (MaxPool)");
        ex.Message.ShouldContain("attr 'padding' must be a string, got a float");
        ex.FieldPath.ShouldBe("node[1].attr.padding");
    }

    [Fact]
    public void Read_ConstContentDisagreesWithShape_NamesNode()
    {
        // Given: a [2, 3] float Const with 5 floats of tensor_content
        var g = new GraphDefBuilder();
        g.Placeholder("input", 1, 3);
        g.Floats("weights", [1, 2, 3, 4, 5], 2, 3);

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        ex.Message.ShouldContain("node 'weights' (Const)");
        ex.Message.ShouldContain("tensor_content has 20 bytes but the shape 2x3 of 6 elements needs 24");
        ex.FieldPath.ShouldBe("node[1].attr.value.tensor_content");
    }

    [Fact]
    public void Read_TrainingBatchNorm_Refused()
    {
        // Given
        var g = new GraphDefBuilder();
        g.BatchNorm("bn", g.Placeholder("input", 1, 4, 4, 2), 2);
        g.Graph.Node.Single(n => n.Name == "bn").Attr["is_training"] = new AttrValue { B = true };

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        ex.Message.ShouldContain("node 'bn' (FusedBatchNormV3)");
        ex.FieldPath!.ShouldEndWith(".attr.is_training");
    }

    [Fact]
    public void Read_UndefinedInput_NamesIt()
    {
        // Given
        var g = new GraphDefBuilder();
        g.Placeholder("input", 1, 4);
        g.Op("relu", "Relu", ["missing"]);

        // When
        ModelFormatException ex = ReadFails(g);

        // Then
        ex.Message.ShouldContain("input 'missing' is not defined");
        ex.FieldPath.ShouldBe("node[1].input[0]");
    }
}
