using System.Globalization;
using Converters.Ir.Diagnostics;

namespace Converters.Abstractions.Tests.Mutation;

/// <summary>A toy text format of <c>key = integer</c> lines, read correctly or with int.Parse (which throws FormatException).</summary>
internal static class ToyConfigReader
{
    public const string FileName = "settings.cfg";

    public const string ValidText = "# toy settings\nwidth = 32\nheight = 32\nchannels = 3\nclasses = 10\n";

    public static Dictionary<string, int> ReadStrict(string path) => Read(path, strict: true);

    public static Dictionary<string, int> ReadWithIntParse(string path) => Read(path, strict: false);

    private static Dictionary<string, int> Read(string path, bool strict)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InputFormatException($"expected 'key = value', got \"{line}\"") { FilePath = path, Line = i + 1, Column = 1 };
            }

            string key = line[..equals].Trim();
            string text = line[(equals + 1)..].Trim();
            int value;
            if (strict)
            {
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
                {
                    throw new InputFormatException($"'{key}' must be an integer, got \"{text}\"") { FilePath = path, Line = i + 1, FieldPath = key };
                }
            }
            else
            {
                value = int.Parse(text, CultureInfo.InvariantCulture);
            }

            if (!values.TryAdd(key, value))
            {
                throw new InputFormatException($"'{key}' is set twice") { FilePath = path, Line = i + 1, FieldPath = key };
            }
        }

        return values;
    }
}
