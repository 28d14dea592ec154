using Converters.Protobuf.Text.Tests.Schema;
using Converters.Protobuf.Text.Tests.Schema3;
using Converters.Testing.Oracles;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Converters.Protobuf.Text.Tests.Conformance;

/// <summary>Our parser and printer against Google's C++ text format (protoc --encode / --decode).</summary>
public sealed class ProtocConformanceTests(ITestOutputHelper output)
{
    private const string Proto2 = "text_format_test.proto";
    private const string Proto3 = "text_format_test3.proto";
    private const string DocumentType = "converters.text_format_test.Document";
    private const string GraphType = "converters.text_format_test3.Graph";

    private const string Realistic = """
        # every field form protoc accepts
        title: "t\303\251" 'x'
        scalars {
          f_double: -2.5e-3 f_float: 0.1 f_int32: -2147483648 f_int64: 9223372036854775807
          f_uint32: 4294967295 f_uint64: 18446744073709551615 f_sint32: -7 f_sint64: -0x10
          f_fixed32: 017 f_fixed64: 0xFFFFFFFFFFFFFFFF f_sfixed32: 12 f_sfixed64: -9223372036854775808
          f_bool: t f_string: "a\"b\\c\n\x41\101\t" f_bytes: "\000\377\x7f" f_color: BLUE
        }
        items { name: "a" values: [1, 2] values: 3 child: { name: "a.b" } }
        items < name: "c" >;
        items: [{ name: "d" }, { name: "e" }]
        weights: [1., -2.5e-1, inf, -Infinity, 1e-45, 3.4028235e38, 0.30000001]
        colors: RED, colors: [2, BLUE]
        tags: "x" tags: 'y'
        named { key: "one" value { name: "1" } }
        named { value: { name: "empty key" } }
        named { key: "one" value { name: "again" } }
        labels { key: -3 value: "minus three" }
        labels: [{ key: 7 }]
        item { name: "chosen" }
        doubles: [0.1, 1e308, 4.9e-324, -0]
        blobs: "\001\002" "\003"
        """;

    private const string Tensorflowish = """
        node {
          name: "conv1/weights"
          op: "Const"
          attr { key: "dtype" value { i: 1 } }
          attr { key: "shape" value { list { i: [3, 3, 1, 8] } } }
          attr { key: "alpha" value { f: 0.2 } }
          attr { key: "zero" value { i: 0 } }
          kind: CONSTANT
          maybe: 0
        }
        node { name: "relu" input: "conv1/weights" input: "^dep" scale: 2.5 }
        """;

    [Fact]
    public void Parse_RealisticProto2Text_SameMessageAsProtoc()
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given
        (byte[]? binary, string errors) = Protoc.Encode(Proto2, DocumentType, Realistic);
        binary.ShouldNotBeNull(errors);

        // When
        var ours = (Document)TextFormatParser.Parse<Document>("realistic.txt", Realistic).Root;

        // Then
        ours.ShouldBe(Document.Parser.ParseFrom(binary));
    }

    [Fact]
    public void Parse_Proto3NodeText_SameMessageAsProtoc()
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given
        (byte[]? binary, string errors) = Protoc.Encode(Proto3, GraphType, Tensorflowish);
        binary.ShouldNotBeNull(errors);

        // When
        var ours = (Graph)TextFormatParser.Parse<Graph>("graph.pbtxt", Tensorflowish).Root;

        // Then
        ours.ShouldBe(Graph.Parser.ParseFrom(binary));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Print_RandomDocument_ProtocReadsTheSameMessage(int seed)
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given
        Document doc = RandomDocuments.Create(new Random(seed));

        // When
        string text = TextFormatPrinter.Print(doc);
        (byte[]? binary, string errors) = Protoc.Encode(Proto2, DocumentType, text);

        // Then
        binary.ShouldNotBeNull(errors);
        Document.Parser.ParseFrom(binary).ShouldBe(doc);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Parse_ProtocPrintedRandomDocument_SameMessage(int seed)
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given: the C++ printer's text of a random document
        Document doc = RandomDocuments.Create(new Random(seed));
        string text = Protoc.Decode(Proto2, DocumentType, doc.ToByteArray());

        // When
        var ours = (Document)TextFormatParser.Parse<Document>("protoc.txt", text).Root;

        // Then
        ours.ShouldBe(doc);
    }

    [Fact]
    public void Print_Proto3Graph_SameTextAsProtoc()
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given: ASCII strings, so the C++ printer's escaping of non-ASCII bytes does not come into play
        var graph = (Graph)TextFormatParser.Parse<Graph>("graph.pbtxt", Tensorflowish).Root;

        // When
        string ours = TextFormatPrinter.Print(graph);

        // Then
        ours.ShouldBe(Protoc.Decode(Proto3, GraphType, graph.ToByteArray()));
    }

    [Theory]
    [InlineData("scalars { f_int32: 2147483648 }")]
    [InlineData("scalars { f_uint32: -1 }")]
    [InlineData("scalars { f_uint64: 18446744073709551616 }")]
    [InlineData("scalars { f_int32: 08 }")]
    [InlineData("scalars { f_int32: 1.5 }")]
    [InlineData("scalars { f_bool: yes }")]
    [InlineData("scalars { f_color: PURPLE }")]
    [InlineData("scalars { f_color: 3 }")]
    [InlineData("title: \"a\" title: \"b\"")]
    [InlineData("text: \"a\" number: 3")]
    [InlineData("titel: \"a\"")]
    [InlineData("title: 3")]
    [InlineData("title: [\"a\"]")]
    [InlineData("items { name: \"a\"")]
    [InlineData("items < name: \"a\" }")]
    [InlineData("named { key: \"k\" name: \"x\" }")]
    [InlineData("title: \"\\q\"")]
    [InlineData("title: \"a")]
    public void Parse_TextProtocRejects_AlsoRejected(string text)
    {
        if (!Oracle.SkipOrFail(output, Protoc.Probe()))
        {
            return;
        }

        // Given
        (byte[]? binary, string errors) = Protoc.Encode(Proto2, DocumentType, text);
        binary.ShouldBeNull($"protoc accepted: {text}");
        output.WriteLine($"protoc: {errors.Trim()}");

        // When
        var ex = Should.Throw<TextFormatException>(() => TextFormatParser.Parse<Document>("bad.txt", text));

        // Then
        output.WriteLine($"ours: {ex.ToDiagnostic()}");
        ex.Line.ShouldBe(1);
    }
}
