namespace Converters.Samples.TextNet.Syntax;

/// <summary>A token: its kind, where its text is in the source, and its 1-based line and column.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Start">The index of its first character in the source text.</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Line">The 1-based line it starts on.</param>
/// <param name="Column">The 1-based column (in characters) it starts at.</param>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, int Line, int Column)
{
    /// <summary>Whether this is the word <paramref name="text"/> in <paramref name="source"/>.</summary>
    public bool IsWord(string source, string text) => Kind == TokenKind.Word && source.AsSpan(Start, Length).SequenceEqual(text);
}
