using System.Text;
using System.Text.RegularExpressions;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Plugins.TensorFlow.Mapping;
using Converters.Protobuf.Text;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow;

/// <summary>Reads a frozen GraphDef, binary (<c>.pb</c>) or text (<c>.pbtxt</c>), into a <see cref="Model"/>.</summary>
internal static partial class GraphDefReader
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

    /// <summary>Reads the GraphDef at <paramref name="path"/>; its variables come from the checkpoint at <paramref name="checkpointPath"/>.</summary>
    public static Model Read(string path, string? checkpointPath = null)
    {
        GraphDef graph = Path.GetExtension(path).Equals(".pbtxt", StringComparison.OrdinalIgnoreCase) ? ParseText(path) : ParseBinary(path);
        CheckpointReader? checkpoint = checkpointPath is null ? null : CheckpointReader.Open(CheckpointPrefix(checkpointPath));
        return TensorFlowImporter.Import(graph, path, checkpoint);
    }

    /// <summary>
    /// The checkpoint named by a file on the command line: its <c>.index</c>, a data shard
    /// (<c>prefix.data-00000-of-00001</c>) or the <c>checkpoint</c> state file; returns what <see cref="CheckpointReader.Open"/> takes.
    /// </summary>
    public static string CheckpointPrefix(string path)
    {
        Match shard = DataShard().Match(path);
        return shard.Success ? path[..shard.Index] : path;
    }

    /// <summary>True for a file that names a checkpoint: <c>*.index</c>, <c>*.data-NNNNN-of-NNNNN</c> or <c>checkpoint</c>.</summary>
    public static bool IsCheckpointFile(string path) =>
        path.EndsWith(".index", StringComparison.Ordinal) || DataShard().IsMatch(path) || Path.GetFileName(path) == CheckpointStateFile.FileName;

    [GeneratedRegex(@"\.data-[0-9]{5}-of-[0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex DataShard();

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
