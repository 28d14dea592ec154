namespace Converters.Plugins.Darknet.Cfg;

/// <summary>One <c>key=value</c> line of a section, after Darknet's whitespace stripping.</summary>
/// <param name="Key">The key, as written (whitespace removed).</param>
/// <param name="Value">The value, as written (whitespace removed).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column of the value's first character in the original line.</param>
internal sealed record CfgOption(string Key, string Value, int Line, int Column)
{
    /// <summary>The option as Darknet stores it: <c>key=value</c>.</summary>
    public string Text => Key + "=" + Value;
}
