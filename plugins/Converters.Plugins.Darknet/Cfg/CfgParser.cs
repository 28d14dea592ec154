using System.Globalization;
using System.Text;

namespace Converters.Plugins.Darknet.Cfg;

/// <summary>
/// Reads a <c>.cfg</c> the way Darknet's <c>read_cfg</c> does — every space, tab, CR and LF removed
/// anywhere in a line, whole-line <c>#</c>/<c>;</c> comments, <c>[section]</c> headers and
/// <c>key=value</c> options split at the first <c>=</c> — but turns Darknet's silent fallbacks
/// (unknown sections, unknown keys) into errors with the file, line and column.
/// </summary>
internal static class CfgParser
{
    /// <summary>Darknet cfgs are a few kilobytes; this bound keeps hostile input cheap.</summary>
    public const int MaxFileBytes = 16 << 20;

    public static CfgDocument Parse(string path, byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DarknetCfgException($"the file is not UTF-8 text (invalid byte at offset {ex.Index.ToString(CultureInfo.InvariantCulture)}); is it a .weights file?", ex) { FilePath = path, Line = 1 };
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        CfgSection? net = null;
        CfgSection? current = null;
        var layers = new List<CfgSection>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            lineNumber++;
            string raw = text[start..end];
            start = end + 1;
            (string line, int[] columns) = Strip(raw);
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                current = StartSection(path, line, lineNumber, columns[0], net is null, layers.Count);
                if (current.Kind == "net")
                {
                    if (net is not null)
                    {
                        throw new DarknetCfgException($"a second {line} section; only the first section may be [net] or [network]") { FilePath = path, Line = lineNumber, Column = columns[0], FieldPath = line };
                    }

                    net = current;
                }
                else
                {
                    layers.Add(current);
                }

                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == line.Length - 1)
            {
                string why = equals < 0 ? "no '='" : equals == 0 ? "no key before '='" : "no value after '='";
                throw new DarknetCfgException($"expected key=value, got \"{line}\" ({why})")
                {
                    FilePath = path,
                    Line = lineNumber,
                    Column = columns[0],
                    FieldPath = current?.DisplayName,
                };
            }

            if (current is null)
            {
                throw new DarknetCfgException($"option \"{line}\" before the first section; a cfg starts with [net]") { FilePath = path, Line = lineNumber, Column = columns[0] };
            }

            string key = line[..equals];
            var option = new CfgOption(key, line[(equals + 1)..], lineNumber, columns[equals + 1]);
            if (!SectionCatalog.IsKnownKey(current.Kind, key))
            {
                throw new DarknetCfgException($"unknown key '{key}' (Darknet would ignore it with \"Unused field\"); remove it or fix its spelling")
                {
                    FilePath = path,
                    Line = lineNumber,
                    Column = columns[0],
                    FieldPath = $"{current.DisplayName}.{key}",
                };
            }

            current.Options.Add(option);
        }

        if (net is null)
        {
            throw new DarknetCfgException("the file has no sections; a Darknet cfg starts with [net] or [network]") { FilePath = path, Line = 1, Column = 1 };
        }

        return new CfgDocument(path, net, layers);
    }

    private static CfgSection StartSection(string path, string header, int line, int column, bool first, int index)
    {
        string? kind = SectionCatalog.KindOf(header);
        if (kind is null)
        {
            string message = SectionCatalog.IsNotImported(header)
                ? $"section {header} is a Darknet layer this plugin does not import; supported: {string.Join(" ", SectionCatalog.ImportedHeaders)}"
                : $"unknown section {header} (Darknet would replace it with an empty layer); supported: {string.Join(" ", SectionCatalog.ImportedHeaders)}";
            throw new DarknetCfgException(message) { FilePath = path, Line = line, Column = column, FieldPath = first ? header : $"{header} #{index.ToString(CultureInfo.InvariantCulture)}" };
        }

        if (first && kind != "net")
        {
            throw new DarknetCfgException($"the first section is {header}; it must be [net] or [network]") { FilePath = path, Line = line, Column = column, FieldPath = header };
        }

        return new CfgSection(path, header, kind, kind == "net" ? -1 : index, line);
    }

    /// <summary>Darknet's <c>strip</c> (plus CR, as AlexeyAB does), keeping each kept character's 1-based column.</summary>
    private static (string Line, int[] Columns) Strip(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        var columns = new List<int>(raw.Length + 1);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }

            builder.Append(c);
            columns.Add(i + 1);
        }

        columns.Add(raw.Length + 1);
        return (builder.ToString(), [.. columns]);
    }
}
