using System.Globalization;
using Converters.Protobuf.Text.Tests.Schema;
using Converters.Protobuf.Text.Tests.Schema3;
using Google.Protobuf;

namespace Converters.Protobuf.Text.Tests;

public sealed class TextFormatPrinterTests
{
    private static Document Sample()
    {
        var doc = new Document
        {
            Title = "T",
            Scalars = new Scalars { FFloat = 0.1f, FInt32 = -1, FBool = false, FString = "q\"\n", FBytes = ByteString.CopyFrom(0, 0x80, (byte)'a'), FColor = Color.Red },
            Number = 42,
        };
        doc.Items.Add(new Item { Name = "a", Values = { 1, 2 }, Child = new Item { Name = "b" } });
        doc.Weights.AddRange([1e-5f, float.NegativeInfinity, float.NaN]);
        doc.Named["z"] = new Item { Name = "z" };
        doc.Named["a"] = new Item();
        doc.Labels[10] = "ten";
        doc.Labels[-1] = "m";
        return doc;
    }

    [Fact]
    public void Print_DefaultOptions_FieldNumberOrderTwoSpacesMapsByKey()
    {
        // When
        string text = TextFormatPrinter.Print(Sample());

        // Then
        text.ShouldBe("""
            scalars {
              f_float: 0.1
              f_int32: -1
              f_bool: false
              f_string: "q\"\n"
              f_bytes: "\000\200a"
              f_color: RED
            }
            items {
              name: "a"
              values: 1
              values: 2
              child {
                name: "b"
              }
            }
            weights: 1e-05
            weights: -inf
            weights: nan
            named {
              key: "a"
              value {
              }
            }
            named {
              key: "z"
              value {
                name: "z"
              }
            }
            labels {
              key: -1
              value: "m"
            }
            labels {
              key: 10
              value: "ten"
            }
            number: 42
            title: "T"

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Print_DeclarationOrderFourSpacesWithComments_FollowsTheOptions()
    {
        // Given
        var item = new Item { Name = "i", Child = new Item { Name = "c" } };
        var doc = new Document { Title = "t", Items = { item } };
        var options = new TextFormatPrintOptions { FieldOrder = TextFormatFieldOrder.Declaration, IndentSize = 4 };
        var leading = new Dictionary<IMessage, IReadOnlyList<string>>(ReferenceEqualityComparer.Instance) { [item.Child] = [" the child", " (two lines)"] };

        // When
        string text = TextFormatPrinter.Print(doc, options, [" header"], leading);

        // Then
        text.ShouldBe("""
            # header

            title: "t"
            items {
                name: "i"
                # the child
                # (two lines)
                child {
                    name: "c"
                }
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Print_Proto3_LeavesOutDefaultsButKeepsExplicitPresence()
    {
        // Given: implicit-presence fields at their defaults, an explicit optional and a oneof member set to 0
        var node = new Node { Name = "n", Count = 0, Scale = 0, Kind = Kind.Unspecified, Maybe = 0 };
        node.Attr["zero"] = new Attr { I = 0 };
        node.Attr["neg"] = new Attr { F = -0f };
        var graph = new Graph { Node = { node, new Node { Scale = -0.0, Kind = Kind.Variable } } };

        // When
        string text = TextFormatPrinter.Print(graph);

        // Then
        text.ShouldBe("""
            node {
              name: "n"
              attr {
                key: "neg"
                value {
                  f: -0
                }
              }
              attr {
                key: "zero"
                value {
                  i: 0
                }
              }
              maybe: 0
            }
            node {
              scale: -0
              kind: VARIABLE
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Print_EmptyMessage_GivesEmptyText()
    {
        // When / Then
        TextFormatPrinter.Print(new Document()).ShouldBeEmpty();
    }

    [Fact]
    public void Print_IndentOutOfRange_Rejected()
    {
        // When / Then
        Should.Throw<ArgumentOutOfRangeException>(() => new TextFormatPrintOptions { IndentSize = -1 });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PrintParsePrint_RandomDocuments_SameMessageAndSameBytes(int seed)
    {
        // Given
        Document doc = RandomDocuments.Create(new Random(seed));

        // When
        string first = TextFormatPrinter.Print(doc);
        var back = (Document)TextFormatParser.Parse<Document>("round.txt", first).Root;
        string second = TextFormatPrinter.Print(back);

        // Then
        back.ShouldBe(doc);
        second.ShouldBe(first);
    }

    [Fact]
    public void PrintParsePrint_Sample_SameBytes()
    {
        // Given
        string first = TextFormatPrinter.Print(Sample());

        // When
        var back = (Document)TextFormatParser.Parse<Document>("sample.txt", first).Root;

        // Then
        back.ShouldBe(Sample());
        TextFormatPrinter.Print(back).ShouldBe(first);
    }

    [Fact]
    public void Print_RandomFloats_ShortestTextThatRoundTrips()
    {
        // Given: random bit patterns cover subnormals, huge and tiny exponents
        var random = new Random(11);
        for (int n = 0; n < 5000; n++)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            double wide = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (float.IsNaN(value) || double.IsNaN(wide))
            {
                continue;
            }

            // When
            string text = TextFormatPrinter.Print(new Scalars { FFloat = value, FDouble = wide });
            var back = (Scalars)TextFormatParser.Parse<Scalars>("f.txt", text).Root;

            // Then: exact round trip, and one significant digit fewer would not round-trip
            BitConverter.SingleToInt32Bits(back.FFloat).ShouldBe(BitConverter.SingleToInt32Bits(value), text);
            BitConverter.DoubleToInt64Bits(back.FDouble).ShouldBe(BitConverter.DoubleToInt64Bits(wide), text);
            string[] lines = text.Split('\n');
            AssertShortest(lines[0]["f_double: ".Length..], s => double.Parse(s, CultureInfo.InvariantCulture) == wide);
            AssertShortest(lines[1]["f_float: ".Length..], s => float.Parse(s, CultureInfo.InvariantCulture) == value);
        }
    }

    private static void AssertShortest(string text, Func<string, bool> roundTrips)
    {
        if (text is "inf" or "-inf")
        {
            return;
        }

        string mantissa = text.Split('e')[0].TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
        int digits = Math.Max(mantissa.Length, 1);
        if (digits <= 1)
        {
            return;
        }

        double parsed = double.Parse(text, CultureInfo.InvariantCulture);
        string shorter = parsed.ToString("E" + (digits - 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        roundTrips(shorter).ShouldBeFalse($"{text} has {digits} significant digits but {shorter} also reads back");
    }
}
