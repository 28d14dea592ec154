using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Tests.Conformance;
using Converters.Testing;
using Tensorflow;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Writing;

/// <summary>The frozen GraphDef writer: every mapped op written, read back by our reader and run gives the IR model's outputs.</summary>
public sealed class TensorFlowWriterTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Written graphs may compute in another order (permuted MatMul rows, folded Darknet BN): float rounding only.</summary>
    private const double RoundTripTolerance = 1e-5;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static TensorData RunSingle(Model model, TensorData x)
    {
        var session = new InferenceSession(model);
        string name = model.Graph.Outputs.Single();
        return session.Run(new Dictionary<string, TensorData> { [model.Graph.Inputs.Single().Name] = x }, [name])[name];
    }

    [Theory]
    [MemberData(nameof(WriterCases.Names), MemberType = typeof(WriterCases))]
    public void Write_MappedOp_ReadBackGivesSameOutputs(string name)
    {
        // Given: the case's IR model and a seeded input
        Model model = WriterCases.Build(name);
        TensorData x = OpenCvTensorFlow.Input(model.Graph.Inputs[0].Shape, seed: 5);
        TensorData expected = RunSingle(model, x);

        // When: written as .pb and read back
        IReadOnlyList<string> files = new TensorFlowFormat().Write(model, _folder.Combine("out"), name, FormatOptions.Empty);
        Model read = OpenCvTensorFlow.Read(files.Single());
        TensorData actual = RunSingle(read, x);

        // Then
        Path.GetFileName(files[0]).ShouldBe(name + ".pb");
        actual.Shape.ShouldBe(expected.Shape);
        double error = OpenCvTensorFlow.RelativeError(actual, expected);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: write -> read -> run relative max error {error:E2}"));
        error.ShouldBeLessThanOrEqualTo(RoundTripTolerance);
    }

    [Fact]
    public void Write_TextOption_WritesPbtxtThatReadsBackToTheSameGraph()
    {
        // Given
        Model model = WriterCases.Build("flatten_gemm");
        var format = new TensorFlowFormat();

        // When
        string pb = format.Write(model, _folder.Combine("bin"), "net", FormatOptions.Empty).Single();
        string pbtxt = format.Write(model, _folder.Combine("text"), "net", new FormatOptions([new(TensorFlowFormat.TextOption, null)])).Single();

        // Then: the text parses to the same GraphDef as the binary file
        Path.GetFileName(pbtxt).ShouldBe("net.pbtxt");
        GraphDef fromText = GraphDefReader.ParseText(pbtxt);
        GraphDef fromBinary = GraphDefReader.ParseBinary(pb);
        fromText.ShouldBe(fromBinary);
        File.ReadAllText(pbtxt).ShouldContain("op: \"MatMul\"");
    }

    [Fact]
    public void Write_ConvAndBn_NhwcPlaceholderHwioKernelAndFusedBatchNorm()
    {
        // Given: conv 4 -> 6, 3x3 with SAME pads, then a BN with epsilon inside the sqrt
        var b = new IrModelBuilder(3);
        string x = b.Input("data", 1, 4, 8, 8);
        string c = b.Conv("conv", x, 4, 6, 3, 1, [1, 1, 1, 1]);
        Model model = b.Build(b.BatchNorm("bn", c, 6, "variance", 1e-3));
        TensorData w = model.Graph.Initializers["conv_w"];

        // When
        GraphDef def = GraphDefReader.ParseBinary(new TensorFlowFormat().Write(model, _folder.Path, "net", FormatOptions.Empty).Single());

        // Then: Placeholder [1, 8, 8, 4]; the kernel is HWIO with k[h, w, i, o] = W[o, i, h, w]; Conv2D SAME; FusedBatchNormV3
        NodeDef input = def.Node.Single(n => n.Op == "Placeholder");
        input.Attr["shape"].Shape.Dim.Select(d => d.Size).ShouldBe([1L, 8, 8, 4]);
        NodeDef conv = def.Node.Single(n => n.Op == "Conv2D");
        conv.Attr["padding"].S.ToStringUtf8().ShouldBe("SAME");
        TensorProto kernel = def.Node.Single(n => n.Name == conv.Input[1]).Attr["value"].Tensor;
        kernel.TensorShape.Dim.Select(d => d.Size).ShouldBe([3L, 3, 4, 6]);
        float[] k = MemoryMarshal.Cast<byte, float>(kernel.TensorContent.Span).ToArray();
        float[] o = w.AsSpan<float>().ToArray();
        k[(((((2 * 3) + 1) * 4) + 3) * 6) + 5].ShouldBe(o[(((((5 * 4) + 3) * 3) + 2) * 3) + 1]);
        NodeDef bn = def.Node.Single(n => n.Op == "FusedBatchNormV3");
        bn.Attr["epsilon"].F.ShouldBe(1e-3f);
        bn.Attr["is_training"].B.ShouldBeFalse();
        bn.Name.ShouldBe("bn");
    }

    [Fact]
    public void Write_UnsupportedOp_ThrowsNamingNodeAndOpAndLeavesNoFile()
    {
        // Given: an LRN, which the writer does not map
        var b = new IrModelBuilder();
        string x = b.Input("data", 1, 4, 8, 8);
        Model model = b.Build(b.Op("norm1", "LRN", [b.Op("relu", "Relu", [x])], ("size", 5L)));
        string dir = _folder.Combine("out");

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => new TensorFlowFormat().Write(model, dir, "net", FormatOptions.Empty));

        // Then
        ex.OperatorName.ShouldBe("LRN");
        ex.Message.ShouldContain("node 'norm1'");
        ex.Message.ShouldContain("'LRN'");
        (Directory.Exists(dir) ? Directory.GetFiles(dir) : []).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("avg_ceil_exclusive", "average pooling with pads")]
    [InlineData("elu_alpha", "alpha 0.5")]
    [InlineData("region_tree", "class tree")]
    [InlineData("softmax_height", "normalises the last axis")]
    [InlineData("computed_weights", "must be an initializer")]
    public void Write_UnwritableAttributes_ThrowsModelFormatExceptionNamingNode(string name, string expected)
    {
        // Given: a node whose attributes TensorFlow cannot express
        var b = new IrModelBuilder();
        string x = b.Input("data", 1, 4, 8, 8);
        string y = name switch
        {
            "avg_ceil_exclusive" => b.Op("bad", "AveragePool", [x], ("kernel_shape", AttributeValue.FromInts(3, 3)), ("strides", AttributeValue.FromInts(2, 2)), ("pads", AttributeValue.FromInts(1, 1, 1, 1)), ("ceil_mode", 1L), ("count_include_pad", 0L)),
            "elu_alpha" => b.Op("bad", "Elu", [x], ("alpha", 0.5)),
            "region_tree" => b.Op("bad", "Region", [b.Conv("c", x, 4, 14, 1, 1, [0, 0, 0, 0])], ("classes", 2L), ("num", 2L), ("anchors", AttributeValue.FromFloats([1, 1, 2, 2])), ("group_sizes", AttributeValue.FromInts(1, 1))),
            "softmax_height" => b.Op("bad", "Softmax", [x], ("axis", 2L)),
            _ => b.Op("bad", "Conv", [x, b.Op("w", "Relu", [x])]),
        };
        Model model = b.Build(y);
        string dir = _folder.Combine("out");

        // When
        var ex = Should.Throw<ModelFormatException>(() => new TensorFlowFormat().Write(model, dir, "net", FormatOptions.Empty));

        // Then
        ex.Message.ShouldContain("node 'bad'");
        ex.Message.ShouldContain(expected);
        (Directory.Exists(dir) ? Directory.GetFiles(dir) : []).ShouldBeEmpty();
    }

    [Fact]
    public void Write_NamesThatTensorFlowRejects_AreSanitizedAndUnique()
    {
        // Given: IR value names with characters TF node names cannot hold
        var b = new IrModelBuilder();
        string x = b.Input("data:0", 1, 4, 8, 8);
        string r = b.Op("layer 1(relu)", "Relu", [x]);
        Model model = b.Build(b.Op("-out", "Sigmoid", [r]));

        // When
        GraphDef def = GraphDefReader.ParseBinary(new TensorFlowFormat().Write(model, _folder.Path, "net", FormatOptions.Empty).Single());

        // Then: every name matches TF's pattern and is unique
        def.Node.Select(n => n.Name).ShouldAllBe(n => Regex.IsMatch(n, "^[A-Za-z0-9.][A-Za-z0-9_./]*$"));
        def.Node.Select(n => n.Name).Distinct().Count().ShouldBe(def.Node.Count);
        def.Node.Select(n => n.Name).ShouldContain("layer_1_relu_");
    }

    [Fact]
    public void Write_YoloHead_NodesInTopologicalOrder()
    {
        // Given / When
        string path = new TensorFlowFormat().Write(WriterCases.Build("yolo"), _folder.Path, "net", FormatOptions.Empty).Single();

        // Then: a valid GraphDef whose node inputs all name earlier nodes
        GraphDef def = GraphDef.Parser.ParseFrom(File.ReadAllBytes(path));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeDef node in def.Node)
        {
            node.Input.ShouldAllBe(i => seen.Contains(i));
            seen.Add(node.Name);
        }

        def.Node.ShouldContain(n => n.Op == "Sigmoid");
    }
}
