using System.Globalization;
using Converters.Plugins.Darknet.Cfg;

namespace Converters.Plugins.Darknet.Writing;

/// <summary>
/// The options of one section being written: the original options in their order, with the values
/// the IR determines substituted in place (the original spelling is kept when it means the same),
/// and new keys appended when they differ from Darknet's default.
/// </summary>
internal sealed class SectionBuilder
{
    private readonly List<(string Key, string Value)> _options;

    public SectionBuilder(string header, IEnumerable<string> original)
    {
        Header = header;
        _options = [.. original.Select(Split)];
    }

    public string Header { get; }

    public IReadOnlyList<(string Key, string Value)> Options => _options;

    public string? Original(string key)
    {
        foreach ((string k, string v) in _options)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }

    public void Set(string key, long value, long? defaultValue = null) =>
        Set(key, value.ToString(CultureInfo.InvariantCulture), defaultValue?.ToString(CultureInfo.InvariantCulture));

    public void Set(string key, double value, double? defaultValue = null) =>
        Set(key, Format(value), defaultValue is null ? null : Format(defaultValue.Value));

    /// <summary>Sets a comma list of numbers, keeping the original text when it parses to the same values.</summary>
    public void SetList(string key, IReadOnlyList<double> values, bool prefixOnly = false)
    {
        string? original = Original(key);
        if (original is not null)
        {
            string[] parts = original.TrimEnd(',').Split(',');
            bool same = prefixOnly ? parts.Length >= values.Count : parts.Length == values.Count;
            for (int i = 0; same && i < values.Count; i++)
            {
                same = CfgSection.TryParseFloat(parts[i], out double v) && v == values[i];
            }

            if (same)
            {
                return;
            }
        }

        Set(key, string.Join(',', values.Select(Format)), null);
    }

    /// <summary>Sets a value; keeps the original text if it denotes the same number or string.</summary>
    public void Set(string key, string value, string? defaultValue)
    {
        for (int i = 0; i < _options.Count; i++)
        {
            if (_options[i].Key != key)
            {
                continue;
            }

            if (!Same(_options[i].Value, value))
            {
                _options[i] = (key, value);
            }

            return;
        }

        if (defaultValue is null || !Same(defaultValue, value))
        {
            _options.Add((key, value));
        }
    }

    /// <summary>Removes every option with <paramref name="key"/>.</summary>
    public void Remove(string key) => _options.RemoveAll(o => o.Key == key);

    public static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    private static bool Same(string a, string b) =>
        a == b || (CfgSection.TryParseFloat(a, out double x) && CfgSection.TryParseFloat(b, out double y) && x == y);

    private static (string Key, string Value) Split(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text, string.Empty) : (text[..equals], text[(equals + 1)..]);
    }
}
