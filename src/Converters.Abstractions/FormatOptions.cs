namespace Converters.Abstractions;

/// <summary>The values of <see cref="FormatOption"/>s for one read or write.</summary>
public sealed class FormatOptions
{
    private readonly Dictionary<string, string?> _values;

    /// <summary>Creates options from name/value pairs (a flag's value is null or "true").</summary>
    public FormatOptions(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string?>(values, StringComparer.Ordinal);
    }

    /// <summary>No options set.</summary>
    public static FormatOptions Empty { get; } = new([]);

    /// <summary>The names of the options set.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Whether flag <paramref name="name"/> is on.</summary>
    public bool IsSet(string name) =>
        _values.TryGetValue(name, out string? v) && (v is null || !string.Equals(v, "false", StringComparison.OrdinalIgnoreCase));

    /// <summary>The value of option <paramref name="name"/>, or null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out string? v) ? v : null;
}
