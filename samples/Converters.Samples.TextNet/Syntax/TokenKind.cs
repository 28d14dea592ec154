namespace Converters.Samples.TextNet.Syntax;

/// <summary>The kinds of TextNet tokens.</summary>
internal enum TokenKind
{
    /// <summary>A run of characters other than white space and <c>= ( ) , : #</c>: a keyword, name, op, number or shape.</summary>
    Word,

    /// <summary><c>=</c></summary>
    Equals,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary>The end of a line (comments are skipped up to it).</summary>
    NewLine,

    /// <summary>The end of the file.</summary>
    End,
}
