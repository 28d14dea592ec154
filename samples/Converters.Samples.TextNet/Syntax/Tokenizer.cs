using System.Globalization;
using Converters.Abstractions;

namespace Converters.Samples.TextNet.Syntax;

/// <summary>
/// Splits TextNet source into tokens, tracking the line and column of each from its first
/// character. <c>#</c> starts a comment that runs to the end of the line. Allocation-free: a token
/// refers to its text by position.
/// </summary>
internal sealed class Tokenizer
{
    private readonly string _text;
    private readonly string _path;
    private int _position;
    private int _line = 1;
    private int _lineStart;
    private Token? _peeked;

    public Tokenizer(string text, string path)
    {
        _text = text;
        _path = path;
    }

    /// <summary>The source text.</summary>
    public string Text => _text;

    /// <summary>How many characters follow the last token read.</summary>
    public int Remaining => _text.Length - _position;

    /// <summary>The text of <paramref name="token"/>.</summary>
    public ReadOnlySpan<char> Span(Token token) => _text.AsSpan(token.Start, token.Length);

    /// <summary>The text of <paramref name="token"/> as a string.</summary>
    public string TextOf(Token token) => token.Kind switch
    {
        TokenKind.NewLine => "end of line",
        TokenKind.End => "end of file",
        _ => _text.Substring(token.Start, token.Length),
    };

    /// <summary>The next token, without consuming it.</summary>
    public Token Peek() => _peeked ??= Scan();

    /// <summary>Consumes and returns the next token.</summary>
    public Token Next()
    {
        Token token = Peek();
        _peeked = null;
        return token;
    }

    /// <summary>Consumes and returns the next token that is not a line end.</summary>
    public Token NextSkippingNewLines()
    {
        Token token = Next();
        while (token.Kind == TokenKind.NewLine)
        {
            token = Next();
        }

        return token;
    }

    private Token Scan()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }

                continue;
            }

            if (c == '\n')
            {
                var newLine = new Token(TokenKind.NewLine, _position, 1, _line, _position - _lineStart + 1);
                _position++;
                _line++;
                _lineStart = _position;
                return newLine;
            }

            if (char.IsWhiteSpace(c))
            {
                _position++;
                continue;
            }

            int column = _position - _lineStart + 1;
            TokenKind? single = c switch
            {
                '=' => TokenKind.Equals,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                ':' => TokenKind.Colon,
                _ => null,
            };
            if (single is { } kind)
            {
                return new Token(kind, _position++, 1, _line, column);
            }

            int start = _position;
            while (_position < _text.Length && IsWordChar(_text[_position]))
            {
                _position++;
            }

            if (_position == start)
            {
                throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"unexpected control character U+{(int)c:X4}; TextNet files are plain text"))
                {
                    FilePath = _path,
                    Line = _line,
                    Column = column,
                };
            }

            return new Token(TokenKind.Word, start, _position - start, _line, column);
        }

        return new Token(TokenKind.End, _text.Length, 0, _line, _text.Length - _lineStart + 1);
    }

    /// <summary>Whether <paramref name="c"/> can be part of a word: not white space, a delimiter, a comment start or a control character.</summary>
    public static bool IsWordChar(char c) =>
        !char.IsWhiteSpace(c) && !char.IsControl(c) && c is not ('=' or '(' or ')' or ',' or ':' or '#');
}
