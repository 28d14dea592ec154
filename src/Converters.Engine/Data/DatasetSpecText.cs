using System.Globalization;

namespace Converters.Engine.Data;

/// <summary>
/// A parsed <c>KIND:LOCATION[?key=value&amp;...]</c> spec with typed, validated accessors for its
/// keys. Every error names the spec and the key and says what was expected and what was found.
/// </summary>
internal sealed class DatasetSpecText
{
    private readonly Dictionary<string, string> _keys;

    private DatasetSpecText(string text, string kind, string location, Dictionary<string, string> keys)
    {
        Text = text;
        Kind = kind;
        Location = location;
        _keys = keys;
    }

    /// <summary>The spec as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>The part before the first colon.</summary>
    public string Kind { get; }

    /// <summary>The part between the first colon and the first question mark.</summary>
    public string Location { get; }

    /// <summary>The keys the spec sets.</summary>
    public IEnumerable<string> Keys => _keys.Keys;

    /// <summary>Splits <paramref name="spec"/> into kind, location and keys.</summary>
    public static DatasetSpecText Parse(string spec)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Error(spec, "kind", $"expected KIND:LOCATION[?key=value&...] with a kind before the first ':', found {(colon < 0 ? "no ':'" : "nothing before it")}; kinds: {DatasetSpec.KindList}");
        }

        string kind = spec[..colon];
        int question = spec.IndexOf('?', colon + 1);
        string location = question < 0 ? spec[(colon + 1)..] : spec[(colon + 1)..question];
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (question >= 0)
        {
            foreach (string pair in spec[(question + 1)..].Split('&'))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == pair.Length - 1)
                {
                    throw Error(spec, pair.Length == 0 ? "?" : pair, $"expected key=value after '?', found \"{pair}\"");
                }

                string key = pair[..equals];
                if (!keys.TryAdd(key, pair[(equals + 1)..]))
                {
                    throw Error(spec, key, $"key '{key}' is given twice");
                }
            }
        }

        return new DatasetSpecText(spec, kind, location, keys);
    }

    /// <summary>An error about this spec, with <paramref name="key"/> as the field.</summary>
    public DatasetException Error(string key, string message) => Error(Text, key, message);

    /// <summary>
    /// Throws for the first key not in <paramref name="validKeys"/>, listing the valid ones, then
    /// for the first shared key with a bad value, so a bad spec fails before any file is read.
    /// </summary>
    public void CheckKeys(IReadOnlyCollection<string> validKeys)
    {
        foreach (string key in _keys.Keys)
        {
            if (!validKeys.Contains(key))
            {
                throw Error(key, $"unknown key '{key}' for kind '{Kind}'; valid keys: {string.Join(", ", validKeys)}");
            }
        }

        DatasetKeys.Validate(this);
    }

    /// <summary>Whether the spec sets <paramref name="key"/>.</summary>
    public bool Has(string key) => _keys.ContainsKey(key);

    /// <summary>The raw value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? GetString(string key) => _keys.GetValueOrDefault(key);

    /// <summary>The value of <paramref name="key"/>, which must be one of <paramref name="choices"/>.</summary>
    public string? GetChoice(string key, params string[] choices)
    {
        string? value = GetString(key);
        if (value is not null && !choices.Contains(value, StringComparer.Ordinal))
        {
            throw Error(key, $"key '{key}' must be one of {string.Join(", ", choices)}, got {value}");
        }

        return value;
    }

    /// <summary>An integer in <paramref name="min"/>..<paramref name="max"/>, or <see langword="null"/> when absent.</summary>
    public int? GetInt(string key, int min, int max)
    {
        string? value = GetString(key);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int result))
        {
            throw Error(key, $"key '{key}' must be an integer, got {value}");
        }

        if (result < min || result > max)
        {
            string range = max == int.MaxValue ? $"at least {min}" : $"in {min}..{max}";
            throw Error(key, $"key '{key}' must be {range}, got {value}");
        }

        return result;
    }

    /// <summary>A 64-bit unsigned seed, or <see langword="null"/> when absent.</summary>
    public ulong? GetSeed(string key)
    {
        string? value = GetString(key);
        if (value is null)
        {
            return null;
        }

        if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong result))
        {
            throw Error(key, $"key '{key}' must be a non-negative integer, got {value}");
        }

        return result;
    }

    /// <summary>A fraction strictly between 0 and 1, or <see langword="null"/> when absent.</summary>
    public double? GetFraction(string key)
    {
        string? value = GetString(key);
        if (value is null)
        {
            return null;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) || !double.IsFinite(result))
        {
            throw Error(key, $"key '{key}' must be a number in (0, 1), got {value}");
        }

        if (result is <= 0 or >= 1)
        {
            throw Error(key, $"key '{key}' must be in (0, 1), got {value}");
        }

        return result;
    }

    /// <summary>One or more comma-separated finite numbers, or <see langword="null"/> when absent.</summary>
    public float[]? GetNumbers(string key)
    {
        string? value = GetString(key);
        if (value is null)
        {
            return null;
        }

        string[] parts = value.Split(',');
        float[] result = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !float.IsFinite(result[i]))
            {
                throw Error(key, $"key '{key}' must be a number or a comma-separated list of numbers, got {value}");
            }
        }

        return result;
    }

    /// <summary><c>WxH</c> or <c>N</c> (square), each 1..65535, or <see langword="null"/> when absent.</summary>
    public (int Width, int Height)? GetSize(string key)
    {
        string? value = GetString(key);
        if (value is null)
        {
            return null;
        }

        string[] parts = value.Split('x', 'X');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            && width is > 0 and <= 65535 && height is > 0 and <= 65535)
        {
            return (width, height);
        }

        throw Error(key, $"key '{key}' must be WxH or N with sizes in 1..65535, got {value}");
    }

    private static DatasetException Error(string spec, string key, string message) =>
        new($"dataset spec \"{spec}\": {message}") { FieldPath = key };
}
