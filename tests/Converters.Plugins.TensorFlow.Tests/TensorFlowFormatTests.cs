using Converters.Abstractions;
using Converters.Ir;
using Converters.Protobuf.Text;
using Converters.Testing;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests;

/// <summary>Detection and reading of binary and text GraphDefs, and their file-level errors.</summary>
public sealed class TensorFlowFormatTests : IDisposable
{
    private const string ReluText = """
        # a frozen graph
        node {
          name: "input"
          op: "Placeholder"
          attr { key: "dtype" value { type: DT_FLOAT } }
          attr { key: "shape" value { shape { dim { size: -1 } dim { size: 4 } dim { size: 5 } dim { size: 3 } } } }
        }
        node {
          name: "relu"
          op: "Relu"
          input: "input"
          attr { key: "T" value { type: DT_FLOAT } }
        }
        versions { producer: 27 }
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Model Read(string path) => new TensorFlowFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);

    private static GraphDef ConvGraph()
    {
        var g = new GraphDefBuilder();
        g.Op("relu", "Relu", [g.Conv("conv", g.Placeholder("input", 1, 8, 8, 3), 3, 3, 3, 4, 1, "SAME")]);
        return g.Graph;
    }

    [Fact]
    public void Read_TextGraphDef_NhwcInputBecomesNchw()
    {
        // Given
        string path = _folder.WriteText("relu.pbtxt", ReluText);

        // When
        Model model = Read(path);

        // Then
        model.Graph.Inputs.Single().Shape.ShouldBe(TensorShape.Of(1, 3, 4, 5));
        model.Metadata[TensorFlowMetadata.InputLayout].ToString().ShouldContain("NHWC");
        model.Graph.Nodes.Single().OpType.ShouldBe("Relu");
        model.Graph.Outputs.ShouldBe(["relu"]);
    }

    [Fact]
    public void Read_BinaryGraphDef_ConvWeightsBecomeOihw()
    {
        // Given: a Conv2D with an HWIO [3, 3, 3, 4] kernel
        GraphDef graph = ConvGraph();
        string path = _folder.WriteFile("conv.pb", graph.ToByteArray());
        float[] hwio = [.. KernelValues(graph)];

        // When
        Model model = Read(path);

        // Then: OIHW [4, 3, 3, 3], w[o, i, h, w] == hwio[h, w, i, o]
        TensorData w = model.Graph.Initializers.Values.Single();
        w.Shape.ShouldBe(TensorShape.Of(4, 3, 3, 3));
        ReadOnlySpan<float> oihw = w.AsSpan<float>();
        oihw[(((2 * 3) + 1) * 9) + (0 * 3) + 2].ShouldBe(hwio[(((0 * 3) + 2) * 3 * 4) + (1 * 4) + 2]);
        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Relu"]);
        model.Graph.Nodes[0].Attributes["pads"].ToString().ShouldContain("1");
    }

    private static float[] KernelValues(GraphDef graph) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(graph.Node.Single(n => n.Name == "conv/kernel").Attr["value"].Tensor.TensorContent.Span).ToArray();

    [Fact]
    public void Detect_PbAndPbtxt_ByContent()
    {
        // Given
        string pb = _folder.WriteFile("conv.pb", ConvGraph().ToByteArray());
        string text = _folder.WriteText("relu.pbtxt", ReluText);
        string other = _folder.WriteText("notes.pbtxt", "hello: 1\n");
        var format = new TensorFlowFormat();

        // When / Then
        format.Detect([ModelFile.Open(pb)]).ShouldBe(DetectionConfidence.Content);
        format.Detect([ModelFile.Open(text)]).ShouldBe(DetectionConfidence.Content);
        format.Detect([ModelFile.Open(other)]).ShouldBe(DetectionConfidence.Extension);
        format.Detect([ModelFile.Open(pb), ModelFile.Open(text)]).ShouldBe(DetectionConfidence.None);
    }

    [Fact]
    public void Read_TruncatedPb_ThrowsWithByteOffset()
    {
        // Given: a GraphDef cut in the middle of its third node (the kernel Const's tensor)
        byte[] bytes = ConvGraph().ToByteArray();
        string path = _folder.WriteFile("cut.pb", bytes[..(bytes.Length - 40)]);

        // When
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => Read(path));

        // Then: the offset is that of a node field, inside the file
        ex.FilePath.ShouldBe(path);
        ex.ByteOffset.ShouldNotBeNull();
        ex.ByteOffset.Value.ShouldBeInRange(1, bytes.Length - 41);
        bytes[(int)ex.ByteOffset.Value].ShouldBe((byte)0x0A);
        ex.Message.ShouldContain($"byte {ex.ByteOffset}");
    }

    [Fact]
    public void Read_MalformedPbtxt_ThrowsWithLineAndColumn()
    {
        // Given: line 4 has an unterminated string
        string path = _folder.WriteText("bad.pbtxt", "node {\n  name: \"input\"\n  op: \"Placeholder\"\n  input: \"oops\n}\n");

        // When
        TextFormatException ex = Should.Throw<TextFormatException>(() => Read(path));

        // Then
        ex.FilePath.ShouldBe(path);
        ex.Line.ShouldBe(4);
        ex.Column.ShouldNotBeNull();
    }
}
