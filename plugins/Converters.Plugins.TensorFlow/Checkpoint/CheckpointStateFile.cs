using System.Text;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// The <c>checkpoint</c> file TensorFlow keeps next to its checkpoints: a text-format
/// <c>CheckpointState</c> with one <c>model_checkpoint_path: "prefix"</c> line (the latest) and
/// <c>all_model_checkpoint_paths: "prefix"</c> lines. Only these string fields are read, one per line.
/// </summary>
internal static class CheckpointStateFile
{
    /// <summary>The file's name.</summary>
    public const string FileName = "checkpoint";

    private const string ModelField = "model_checkpoint_path";
    private const string AllField = "all_model_checkpoint_paths";

    /// <summary>The file's text naming <paramref name="prefix"/> (relative to the folder) as the latest and only checkpoint.</summary>
    public static string Format(string prefix) =>
        $"{ModelField}: \"{Escape(prefix)}\"\n{AllField}: \"{Escape(prefix)}\"\n";

    /// <summary>The <c>model_checkpoint_path</c> of the file at <paramref name="path"/>, as written (relative or absolute).</summary>
    /// <exception cref="CheckpointFormatException">The file is missing, or the field is missing or malformed.</exception>
    public static string ReadModelCheckpointPath(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "the folder has no 'checkpoint' file naming the latest checkpoint; pass the checkpoint prefix (e.g. model.ckpt-1000) instead" : ex.Message;
            throw new CheckpointFormatException($"cannot read the checkpoint state file: {reason}", ex) { FilePath = path };
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int start = line.Length - line.TrimStart().Length;
            if (!line.AsSpan(start).StartsWith(ModelField + ":", StringComparison.Ordinal))
            {
                continue;
            }

            int column = start + ModelField.Length + 1;
            string rest = line[column..].Trim();
            int valueColumn = line.IndexOf(rest, column, StringComparison.Ordinal) + 1;
            if (rest.Length < 2 || rest[0] != '"' || rest[^1] != '"' || !TryUnescape(rest[1..^1], out string? value) || value.Length == 0)
            {
                throw new CheckpointFormatException($"{ModelField} must be a non-empty quoted string, got {rest}")
                {
                    FilePath = path,
                    Line = i + 1,
                    Column = valueColumn,
                    FieldPath = ModelField,
                };
            }

            return value;
        }

        throw new CheckpointFormatException($"the checkpoint state file has no '{ModelField}: \"...\"' line")
        {
            FilePath = path,
            Line = lines.Length + 1,
            FieldPath = ModelField,
        };
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static bool TryUnescape(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                value = null;
                return false;
            }

            if (c != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            if (++i >= text.Length)
            {
                value = null;
                return false;
            }

            char e = text[i];
            switch (e)
            {
                case '\\' or '"' or '\'':
                    bytes.Add((byte)e);
                    break;
                case 'n':
                    bytes.Add((byte)'\n');
                    break;
                case 't':
                    bytes.Add((byte)'\t');
                    break;
                case >= '0' and <= '7':
                    int octal = 0;
                    int digits = 0;
                    while (digits < 3 && i < text.Length && text[i] is >= '0' and <= '7')
                    {
                        octal = (octal * 8) + (text[i] - '0');
                        i++;
                        digits++;
                    }

                    i--;
                    if (octal > 0xFF)
                    {
                        value = null;
                        return false;
                    }

                    bytes.Add((byte)octal);
                    break;
                default:
                    value = null;
                    return false;
            }
        }

        try
        {
            value = new UTF8Encoding(false, true).GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            value = null;
            return false;
        }
    }
}
