using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Mapping;
using Converters.Protobuf.Text;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow;

/// <summary>Reads a frozen GraphDef, binary (<c>.pb</c>) or text (<c>.pbtxt</c>), into a <see cref="Model"/>.</summary>
internal static class GraphDefReader
{
    /// <summary>The largest GraphDef read (2 GiB - 1, protobuf's own message limit).</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>True when the header reads as text starting (after comments) with a GraphDef field.</summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> header)
    {
        string text = Encoding.UTF8.GetString(header);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            return line.StartsWith("node", StringComparison.Ordinal) || line.StartsWith("versions", StringComparison.Ordinal) || line.StartsWith("library", StringComparison.Ordinal);
        }

        return false;
    }

    public static Model Read(string path)
    {
        GraphDef graph = Path.GetExtension(path).Equals(".pbtxt", StringComparison.OrdinalIgnoreCase) ? ParseText(path) : ParseBinary(path);
        return TensorFlowImporter.Import(graph, path);
    }

    public static GraphDef ParseBinary(string path)
    {
        byte[] bytes = ModelFile.ReadAllBytes(path, MaxBytes);
        try
        {
            return GraphDef.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            long offset = FindBadField(bytes);
            throw new ModelFormatException($"not a valid binary GraphDef: the field at byte {offset} is truncated or garbled ({ex.Message})", ex)
            {
                FilePath = path,
                ByteOffset = offset,
            };
        }
    }

    public static GraphDef ParseText(string path)
    {
        byte[] bytes = ModelFile.ReadAllBytes(path, MaxBytes);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new TextFormatException($"the file is not UTF-8 text (byte {ex.Index}); a .pbtxt is protobuf text format. Is it a binary .pb?", ex)
            {
                FilePath = path,
                ByteOffset = ex.Index,
            };
        }

        return (GraphDef)TextFormatParser.Parse<GraphDef>(path, text).Root;
    }

    /// <summary>
    /// The offset of the first top-level field (or, inside a <c>node</c>, the first node field) that does not
    /// parse: walks the wire format field by field.
    /// </summary>
    private static long FindBadField(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        while (true)
        {
            long start = input.Position;
            try
            {
                if (input.IsAtEnd)
                {
                    return start;
                }

                uint tag = input.ReadTag();
                if (WireFormat.GetTagFieldNumber(tag) == GraphDef.NodeFieldNumber && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    ByteString node = input.ReadBytes();
                    try
                    {
                        NodeDef.Parser.ParseFrom(node);
                    }
                    catch (InvalidProtocolBufferException)
                    {
                        return start;
                    }
                }
                else
                {
                    input.SkipLastField();
                }
            }
            catch (InvalidProtocolBufferException)
            {
                return start;
            }
        }
    }
}
