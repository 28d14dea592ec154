using System.Text;
using Converters.Abstractions;
using Converters.Protobuf.Text.Tests.Schema;
using Converters.Protobuf.Text.Tests.Schema3;
using Google.Protobuf;

namespace Converters.Protobuf.Text.Tests;

public sealed class TextFormatParserTests
{
    private static Document ParseDocument(string text) => (Document)TextFormatParser.Parse<Document>("doc.txt", text).Root;

    [Fact]
    public void Parse_EveryScalarType_ReadsEachValue()
    {
        // Given
        const string text = """
            scalars {
              f_double: -2.5e-3
              f_float: 0.1
              f_int32: -2147483648
              f_int64: 9223372036854775807
              f_uint32: 4294967295
              f_uint64: 18446744073709551615
              f_sint32: -7
              f_sint64: -0x10
              f_fixed32: 017
              f_fixed64: 0xFFFFFFFFFFFFFFFF
              f_sfixed32: +12
              f_sfixed64: -9223372036854775808
              f_bool: t
              f_string: "h\303\251llo" ' w'
              f_bytes: "\000\377\x7f"
              f_color: BLUE
            }
            """;

        // When
        Scalars s = ParseDocument(text).Scalars;

        // Then
        s.FDouble.ShouldBe(-0.0025);
        s.FFloat.ShouldBe(0.1f);
        s.FInt32.ShouldBe(int.MinValue);
        s.FInt64.ShouldBe(long.MaxValue);
        s.FUint32.ShouldBe(uint.MaxValue);
        s.FUint64.ShouldBe(ulong.MaxValue);
        s.FSint32.ShouldBe(-7);
        s.FSint64.ShouldBe(-16L);
        s.FFixed32.ShouldBe(15u);
        s.FFixed64.ShouldBe(ulong.MaxValue);
        s.FSfixed32.ShouldBe(12);
        s.FSfixed64.ShouldBe(long.MinValue);
        s.FBool.ShouldBeTrue();
        s.FString.ShouldBe("h\u00e9llo w");
        s.FBytes.ToByteArray().ShouldBe(new byte[] { 0, 255, 127 });
        s.FColor.ShouldBe(Color.Blue);
    }

    [Fact]
    public void Parse_RepeatedNestedMapsAndOneof_ReadsEveryFieldForm()
    {
        // Given: repeated keys and [a, b] lists, '<>' and ':{', enums by name and number, ';' and ',' separators
        const string text = """
            title: "t"
            items { name: "a" values: [1, 2] values: 3 child: { name: "a.b" } }
            items < name: "c" >;
            items: [{ name: "d" }, { name: "e" }]
            weights: [1., -2.5e-1, inf, -Infinity, nan, 3f]
            colors: RED, colors: [2, BLUE]
            tags: "x" tags: 'y'
            named { key: "one" value { name: "1" } }
            named { value: { name: "empty key" } }
            named { key: "one" value { name: "again" } }
            labels { key: -3 value: "minus three" }
            labels: [{ key: 7 }]
            item { name: "chosen" }
            blobs: "\001\002"
            """;

        // When
        Document doc = ParseDocument(text);

        // Then
        doc.Title.ShouldBe("t");
        doc.Items.Select(i => i.Name).ShouldBe(["a", "c", "d", "e"]);
        doc.Items[0].Values.ShouldBe([1, 2, 3]);
        doc.Items[0].Child.Name.ShouldBe("a.b");
        doc.Weights.Count.ShouldBe(6);
        doc.Weights.Take(4).ShouldBe([1f, -0.25f, float.PositiveInfinity, float.NegativeInfinity]);
        float.IsNaN(doc.Weights[4]).ShouldBeTrue();
        doc.Weights[5].ShouldBe(3f);
        doc.Colors.ShouldBe([Color.Red, Color.Green, Color.Blue]);
        doc.Tags.ShouldBe(["x", "y"]);
        doc.Named.Count.ShouldBe(2);
        doc.Named["one"].Name.ShouldBe("again");
        doc.Named[string.Empty].Name.ShouldBe("empty key");
        doc.Labels[-3].ShouldBe("minus three");
        doc.Labels[7].ShouldBe(string.Empty);
        doc.ChoiceCase.ShouldBe(Document.ChoiceOneofCase.Item);
        doc.Item.Name.ShouldBe("chosen");
        doc.Blobs[0].ToByteArray().ShouldBe(new byte[] { 1, 2 });
    }

    [Fact]
    public void Parse_Proto3NodeWithAttrMap_ReadsOneofsAndDefaults()
    {
        // Given: a TensorFlow-like node (proto3, map<string, message>, oneof values)
        const string text = """
            node {
              name: "conv1/weights"
              op: "Const"
              attr { key: "dtype" value { i: 1 } }
              attr { key: "shape" value { list { i: [3, 3, 1, 8] } } }
              attr { key: "alpha" value { f: 0.2 } }
              attr { key: "name" value { s: "w\001" } }
              kind: CONSTANT
              maybe: 0
            }
            node { name: "relu" input: "conv1/weights" count: 0 }
            """;

        // When
        var graph = (Graph)TextFormatParser.Parse<Graph>("graph.pbtxt", text).Root;

        // Then
        Node conv = graph.Node[0];
        conv.Attr["dtype"].I.ShouldBe(1L);
        conv.Attr["shape"].List.I.ShouldBe([3L, 3, 1, 8]);
        conv.Attr["alpha"].ValueCase.ShouldBe(Attr.ValueOneofCase.F);
        conv.Attr["alpha"].F.ShouldBe(0.2f);
        conv.Attr["name"].S.ToByteArray().ShouldBe(new byte[] { (byte)'w', 1 });
        conv.Kind.ShouldBe(Kind.Constant);
        conv.HasMaybe.ShouldBeTrue();
        conv.Maybe.ShouldBe(0);
        graph.Node[1].Input.ShouldBe(["conv1/weights"]);
        graph.Node[1].HasMaybe.ShouldBeFalse();
    }

    [Fact]
    public void Parse_CommentsAndPositions_RecordedInTheDocument()
    {
        // Given
        const string text = "# file header\n\n# about the first item\nitems {\n  name: \"a\"  # trailing, dropped\n  values: 1\n  values: 2\n}\n";

        // When
        TextFormatDocument doc = TextFormatParser.Parse<Document>("c.txt", text);

        // Then
        var root = (Document)doc.Root;
        Item item = root.Items[0];
        doc.Path.ShouldBe("c.txt");
        doc.HeaderComments.ShouldBe([" file header"]);
        doc.LeadingComments[item].ShouldBe([" about the first item"]);
        doc.Find(item).ShouldBe(new SourcePosition(4, 1));
        doc.Find(item, Item.ValuesFieldNumber, 1).ShouldBe(new SourcePosition(7, 11));
        doc.Find(item, Item.NameFieldNumber).ShouldBe(new SourcePosition(5, 9));
        doc.Find(root).ShouldBeNull();
    }

    [Theory]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("INF", double.PositiveInfinity)]
    [InlineData("1e308", 1e308)]
    [InlineData("-0", -0.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("1.5e+2", 150.0)]
    [InlineData("0x10", 16.0)]
    [InlineData("2.5f", 2.5)]
    public void Parse_FloatSpellings_ReadAsProtobufDoes(string spelling, double expected)
    {
        // When
        Scalars s = ParseDocument($"scalars {{ f_double: {spelling} }}").Scalars;

        // Then
        BitConverter.DoubleToInt64Bits(s.FDouble).ShouldBe(BitConverter.DoubleToInt64Bits(expected));
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("-nan")]
    [InlineData("NaN")]
    public void Parse_NanSpellings_GiveNan(string spelling)
    {
        // When
        Scalars s = ParseDocument($"scalars {{ f_double: {spelling} f_float: {spelling} }}").Scalars;

        // Then
        double.IsNaN(s.FDouble).ShouldBeTrue();
        float.IsNaN(s.FFloat).ShouldBeTrue();
    }

    public static TheoryData<string, string, string> OutOfRange => new()
    {
        { "f_int32", "2147483648", "-2147483648 to 2147483647" },
        { "f_int32", "-2147483649", "-2147483648 to 2147483647" },
        { "f_sint32", "0x80000000", "-2147483648 to 2147483647" },
        { "f_sfixed32", "99999999999", "-2147483648 to 2147483647" },
        { "f_int64", "9223372036854775808", "-9223372036854775808 to 9223372036854775807" },
        { "f_sfixed64", "-9223372036854775809", "-9223372036854775808 to 9223372036854775807" },
        { "f_uint32", "4294967296", "0 to 4294967295" },
        { "f_uint32", "-1", "0 to 4294967295" },
        { "f_fixed32", "1.5", "0 to 4294967295" },
        { "f_uint64", "18446744073709551616", "0 to 18446744073709551615" },
        { "f_fixed64", "-1", "0 to 18446744073709551615" },
        { "f_int64", "99999999999999999999999999999999999999999", "-9223372036854775808 to 9223372036854775807" },
        { "f_int32", "08", "-2147483648 to 2147483647" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Parse_IntegerOutOfRange_ThrowsNamingTheRange(string field, string value, string range)
    {
        // When
        var ex = Should.Throw<TextFormatException>(() => ParseDocument($"scalars {{\n  {field}: {value}\n}}"));

        // Then
        ex.Line.ShouldBe(2);
        ex.Column.ShouldBe(field.Length + 5);
        ex.FieldPath.ShouldBe($"scalars.{field}");
        ex.Message.ShouldBe($"'{field}' expects an integer from {range}, got '{value}'");
    }

    public static TheoryData<string, int, int, string, string> Malformed => new()
    {
        { "items {\n  name: \"a\"\n  values: [1, x]\n}", 3, 15, "items[0].values[1]", "'values' expects an integer from -2147483648 to 2147483647, got 'x'" },
        { "items {\n  nam: \"a\"\n}", 2, 3, "items[0].nam", "Item has no field 'nam'; its fields: name, values, child" },
        { "items {\n  name: \"a\"\n", 3, 1, "items[0]", "expected '}' to close 'items[0]' opened at line 1, got the end of the file" },
        { "items <\n  name: \"a\"\n}", 3, 1, "items[0]", "expected '>' to close 'items[0]' opened at line 1, got '}'" },
        { "title: \"a\ntags: \"b\"", 1, 8, "", "the string starting here has no closing \"" },
        { "title: \"a\\qb\"", 1, 10, "", "unknown escape '\\q' in a string" },
        { "title: \"\\400\"", 1, 9, "", "a numeric escape in a string needs 1-3 octal digits (at most \\377) or 1-2 hex digits" },
        { "title: \"\\xff\"", 1, 8, "title", "'title' is a string and must be valid UTF-8" },
        { "title: \"a\"\ntitle: \"b\"", 2, 1, "title", "'title' is not a repeated field and is already set above (line 1)" },
        { "title \"a\"", 1, 7, "title", "expected ':' after 'title', got the string \"a\"" },
        { "title: 3", 1, 8, "title", "'title' is a string: expected a quoted value, got '3'" },
        { "blobs: 3", 1, 8, "blobs[0]", "'blobs' is a bytes field: expected a quoted value, got '3'" },
        { "scalars 5", 1, 9, "scalars", "'scalars' is a message (Scalars): expected '{' after it, got '5'" },
        { "title: [\"a\"]", 1, 8, "title", "'title' is not a repeated field: a list [...] is not allowed" },
        { "tags: [\"a\" \"b\"", 1, 15, "tags[1]", "expected ',' or ']' in the list of 'tags', got the end of the file" },
        { "scalars { f_bool: yes }", 1, 19, "scalars.f_bool", "'f_bool' expects true or false, got 'yes'" },
        { "scalars { f_color: PURPLE }", 1, 20, "scalars.f_color", "'f_color' expects one of COLOR_UNKNOWN, RED, GREEN, BLUE, got 'PURPLE'" },
        { "colors: 3", 1, 9, "colors[0]", "'colors' expects one of COLOR_UNKNOWN, RED, GREEN, BLUE, got '3'" },
        { "scalars { f_double: 1.2.3 }", 1, 21, "scalars.f_double", "'f_double' expects a number, got '1.2.3'" },
        { "scalars { f_float: }", 1, 20, "scalars.f_float", "expected a value for 'f_float' (a number), got '}'" },
        { "text: \"a\"\nnumber: 3", 2, 1, "number", "'number' and 'text' (line 1) are both in oneof 'choice': only one may be set" },
        { "named { key: \"k\" name: \"x\" }", 1, 18, "named[0]", "a map entry of 'named' has only 'key' and 'value', got 'name'" },
        { "named { key: \"k\" key: \"j\" }", 1, 18, "named[0].key", "'key' is given twice in one entry of 'named'" },
        { "named { key: \"k\" value: 3 }", 1, 25, "named[0].value", "'value' is a message (Item): expected '{' after it, got '3'" },
        { "labels { key: x }", 1, 15, "labels[0].key", "'key' expects an integer from -2147483648 to 2147483647, got 'x'" },
        { "labels 5", 1, 8, "labels[0]", "'labels' is a map entry: expected '{' after it, got '5'" },
        { "= 3", 1, 1, "", "expected a field name of Document, got '='" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_MalformedText_ThrowsWithLineColumnAndFieldPath(string text, int line, int column, string field, string message)
    {
        // When
        var ex = Should.Throw<TextFormatException>(() => TextFormatParser.Parse<Document>("bad.txt", text));

        // Then
        ex.FilePath.ShouldBe("bad.txt");
        ex.Line.ShouldBe(line);
        ex.Column.ShouldBe(column);
        (ex.FieldPath ?? string.Empty).ShouldBe(field);
        ex.Message.ShouldStartWith(message);
        ex.ShouldBeAssignableTo<ModelFormatException>();
        ex.ToDiagnostic().ShouldStartWith($"bad.txt:{line}:{column}:");
    }

    [Fact]
    public void Parse_NestingDeeperThanTheLimit_Throws()
    {
        // Given: items.child.child... one level more than allowed
        var text = new StringBuilder("items {");
        for (int i = 0; i < TextFormatParser.MaxDepth; i++)
        {
            text.Append(" child {");
        }

        text.Append(new string('}', TextFormatParser.MaxDepth + 1));

        // When
        var ex = Should.Throw<TextFormatException>(() => ParseDocument(text.ToString()));

        // Then
        ex.Message.ShouldBe($"messages are nested more than {TextFormatParser.MaxDepth} deep");
        ex.Line.ShouldBe(1);
        ex.FieldPath!.ShouldStartWith("items[0].child.child.");
    }

    [Fact]
    public void Parse_NestingAtTheLimit_Succeeds()
    {
        // Given
        var text = new StringBuilder("items {");
        for (int i = 1; i < TextFormatParser.MaxDepth; i++)
        {
            text.Append(" child {");
        }

        text.Append(new string('}', TextFormatParser.MaxDepth));

        // When
        Document doc = ParseDocument(text.ToString());

        // Then
        int depth = 1;
        for (Item? item = doc.Items[0]; item.Child is not null; item = item.Child)
        {
            depth++;
        }

        depth.ShouldBe(TextFormatParser.MaxDepth);
    }

    [Fact]
    public void Parse_ByteOrderMarkAndCrLf_Ignored()
    {
        // When
        TextFormatDocument doc = TextFormatParser.Parse<Document>("bom.txt", "\uFEFFtitle: \"a\"\r\ntags: \"b\"\r\n");

        // Then
        ((Document)doc.Root).Tags.ShouldBe(["b"]);
        doc.Find(doc.Root, Document.TagsFieldNumber).ShouldBe(new SourcePosition(2, 7));
    }

    [Fact]
    public void Parse_ConcatenatedStringsWithEscapes_JoinedAsBytes()
    {
        // Given: an escaped UTF-8 sequence split across two adjacent literals still forms one character
        const string text = "title: \"caf\\303\" \"\\251 \\\"q\\\" \\\\ \\t\\x41\\101\\?\"";

        // When
        Document doc = ParseDocument(text);

        // Then
        doc.Title.ShouldBe("caf\u00e9 \"q\" \\ \tAA?");
        ByteString.CopyFromUtf8(doc.Title).Length.ShouldBe(16);
    }
}
