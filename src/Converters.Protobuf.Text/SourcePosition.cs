namespace Converters.Protobuf.Text;

/// <summary>A 1-based line and column in a text file.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column, in UTF-16 code units.</param>
public readonly record struct SourcePosition(int Line, int Column);
