using System.Globalization;

namespace Converters.Plugins.Darknet.Cfg;

/// <summary>
/// One section of a <c>.cfg</c>: its header as written, its canonical kind, and its options in file
/// order. Lookups follow Darknet's <c>option_find</c>: the first occurrence of a key wins.
/// </summary>
internal sealed class CfgSection
{
    public CfgSection(string path, string header, string kind, int index, int line)
    {
        Path = path;
        Header = header;
        Kind = kind;
        Index = index;
        Line = line;
    }

    public string Path { get; }

    /// <summary>The header as written, e.g. <c>[conv]</c>.</summary>
    public string Header { get; }

    /// <summary>The canonical kind, e.g. <c>convolutional</c>.</summary>
    public string Kind { get; }

    /// <summary>The layer index as Darknet prints it; -1 for <c>[net]</c>.</summary>
    public int Index { get; }

    /// <summary>The 1-based line of the header.</summary>
    public int Line { get; }

    public List<CfgOption> Options { get; } = [];

    /// <summary>The name used in messages and field paths: <c>[convolutional] #13</c> or <c>[net]</c>.</summary>
    public string DisplayName => Index < 0 ? Header : $"{Header} #{Index.ToString(CultureInfo.InvariantCulture)}";

    public CfgOption? Find(string key)
    {
        foreach (CfgOption option in Options)
        {
            if (option.Key == key)
            {
                return option;
            }
        }

        return null;
    }

    public bool Has(string key) => Find(key) is not null;

    public string GetString(string key, string fallback) => Find(key)?.Value ?? fallback;

    public int GetInt(string key, int fallback)
    {
        CfgOption? option = Find(key);
        if (option is null)
        {
            return fallback;
        }

        return TryParseInt(option.Value, out int value) ? value : throw Error(option, $"'{key}' must be an integer, got \"{option.Value}\"");
    }

    public int GetPositiveInt(string key, int fallback)
    {
        int value = GetInt(key, fallback);
        return value > 0 ? value : throw Error(Find(key), $"'{key}' must be a positive integer, got {value.ToString(CultureInfo.InvariantCulture)}");
    }

    public int GetNonNegativeInt(string key, int fallback)
    {
        int value = GetInt(key, fallback);
        return value >= 0 ? value : throw Error(Find(key), $"'{key}' must not be negative, got {value.ToString(CultureInfo.InvariantCulture)}");
    }

    public double GetFloat(string key, double fallback)
    {
        CfgOption? option = Find(key);
        if (option is null)
        {
            return fallback;
        }

        return TryParseFloat(option.Value, out double value) ? value : throw Error(option, $"'{key}' must be a number, got \"{option.Value}\"");
    }

    /// <summary>A comma list of integers, as Darknet parses <c>layers</c>, <c>mask</c> and <c>from</c>.</summary>
    public int[]? GetInts(string key)
    {
        CfgOption? option = Find(key);
        if (option is null)
        {
            return null;
        }

        string[] parts = option.Value.Split(',');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParseInt(parts[i], out values[i]))
            {
                throw Error(option, $"'{key}' must be a comma-separated list of integers, got \"{option.Value}\" (item {(i + 1).ToString(CultureInfo.InvariantCulture)} is \"{parts[i]}\")");
            }
        }

        return values;
    }

    /// <summary>A comma list of numbers (<c>anchors</c>); a trailing comma is tolerated as Darknet does.</summary>
    public double[]? GetFloats(string key)
    {
        CfgOption? option = Find(key);
        if (option is null)
        {
            return null;
        }

        string[] parts = option.Value.TrimEnd(',').Split(',');
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParseFloat(parts[i], out values[i]))
            {
                throw Error(option, $"'{key}' must be a comma-separated list of numbers, got \"{option.Value}\" (item {(i + 1).ToString(CultureInfo.InvariantCulture)} is \"{parts[i]}\")");
            }
        }

        return values;
    }

    /// <summary>An error at an option's value (or at the header when <paramref name="option"/> is null).</summary>
    public DarknetCfgException Error(CfgOption? option, string message) => new(message)
    {
        FilePath = Path,
        Line = option?.Line ?? Line,
        Column = option?.Column ?? 1,
        FieldPath = option is null ? DisplayName : $"{DisplayName}.{option.Key}",
    };

    /// <summary>An error at the value of <paramref name="key"/>, or the header if the key is absent.</summary>
    public DarknetCfgException Error(string key, string message) => Error(Find(key), message);

    internal static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    internal static bool TryParseFloat(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
