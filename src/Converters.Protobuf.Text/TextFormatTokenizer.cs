using System.Text;

namespace Converters.Protobuf.Text;

/// <summary>
/// Splits protobuf text format into tokens with their line and column, decoding strings (single or
/// double quotes, C escapes, to bytes) and collecting <c>#</c> comments.
/// </summary>
internal sealed class TextFormatTokenizer
{
    private readonly string _text;
    private readonly string _path;
    private readonly List<TextFormatComment> _comments = [];
    private int _index;
    private int _line = 1;
    private int _lineStart;
    private bool _tokenOnLine;

    public TextFormatTokenizer(string path, string text)
    {
        _path = path;
        _text = text;
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _index = 1;
            _lineStart = 1;
        }
    }

    /// <summary>Comments seen so far, in file order.</summary>
    public List<TextFormatComment> Comments => _comments;

    public TextFormatToken Next()
    {
        SkipSpaceAndComments();
        if (_index >= _text.Length)
        {
            return new TextFormatToken(TextFormatTokenKind.End, string.Empty, _line, _index - _lineStart + 1);
        }

        _tokenOnLine = true;
        int line = _line;
        int column = _index - _lineStart + 1;
        char c = _text[_index];
        if (c is '"' or '\'')
        {
            return TextFormatToken.FromBytes(ReadString(c, line, column), line, column);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = _index;
            while (_index < _text.Length && (char.IsAsciiLetterOrDigit(_text[_index]) || _text[_index] == '_'))
            {
                _index++;
            }

            return new TextFormatToken(TextFormatTokenKind.Identifier, _text[start.._index], line, column);
        }

        if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && _index + 1 < _text.Length && (char.IsAsciiLetterOrDigit(_text[_index + 1]) || _text[_index + 1] == '.')))
        {
            int start = _index;
            _index++;
            while (_index < _text.Length)
            {
                char d = _text[_index];
                bool exponentSign = (d is '-' or '+') && _index > start && _text[_index - 1] is 'e' or 'E' && !IsHex(start);
                if (!(char.IsAsciiLetterOrDigit(d) || d is '.' or '_') && !exponentSign)
                {
                    break;
                }

                _index++;
            }

            return new TextFormatToken(TextFormatTokenKind.Number, _text[start.._index], line, column);
        }

        _index++;
        return new TextFormatToken(TextFormatTokenKind.Symbol, c.ToString(), line, column);
    }

    private bool IsHex(int start)
    {
        int i = start;
        if (_text[i] is '-' or '+')
        {
            i++;
        }

        return i + 1 < _text.Length && _text[i] == '0' && _text[i + 1] is 'x' or 'X';
    }

    private void SkipSpaceAndComments()
    {
        while (_index < _text.Length)
        {
            char c = _text[_index];
            if (c == '\n')
            {
                _index++;
                _line++;
                _lineStart = _index;
                _tokenOnLine = false;
            }
            else if (c is ' ' or '\t' or '\r' or '\f' or '\v')
            {
                _index++;
            }
            else if (c == '#')
            {
                int end = _text.IndexOf('\n', _index);
                end = end < 0 ? _text.Length : end;
                _comments.Add(new TextFormatComment(_line, _text[(_index + 1)..end].TrimEnd('\r'), !_tokenOnLine));
                _index = end;
            }
            else
            {
                return;
            }
        }
    }

    private TextFormatException Error(string message, int line, int column) => new(message) { FilePath = _path, Line = line, Column = column };

    private byte[] ReadString(char quote, int line, int column)
    {
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        _index++;
        while (true)
        {
            if (_index >= _text.Length || _text[_index] == '\n')
            {
                throw Error($"the string starting here has no closing {quote}", line, column);
            }

            char c = _text[_index];
            if (c == quote)
            {
                _index++;
                return [.. bytes];
            }

            if (c != '\\')
            {
                int length = char.IsHighSurrogate(c) && _index + 1 < _text.Length && char.IsLowSurrogate(_text[_index + 1]) ? 2 : 1;
                int count = Encoding.UTF8.GetBytes(_text.AsSpan(_index, length), utf8);
                bytes.AddRange(utf8[..count]);
                _index += length;
                continue;
            }

            if (_index + 1 >= _text.Length)
            {
                throw Error("a backslash ends the file inside a string", line, column);
            }

            char e = _text[_index + 1];
            int escapeColumn = _index - _lineStart + 1;
            _index += 2;
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '\'': bytes.Add((byte)'\''); break;
                case '"': bytes.Add((byte)'"'); break;
                case '?': bytes.Add((byte)'?'); break;
                case 'x' or 'X':
                    bytes.Add((byte)ReadDigits(16, 2, line, escapeColumn));
                    break;
                case >= '0' and <= '7':
                    _index--;
                    bytes.Add((byte)ReadDigits(8, 3, line, escapeColumn));
                    break;
                default:
                    throw Error($"unknown escape '\\{e}' in a string", _line, escapeColumn);
            }
        }
    }

    private int ReadDigits(int radix, int max, int line, int column)
    {
        int value = 0;
        int count = 0;
        while (count < max && _index < _text.Length && HexValue(_text[_index]) is int digit && digit < radix)
        {
            value = (value * radix) + digit;
            _index++;
            count++;
        }

        return count == 0 || value > 255
            ? throw Error("a numeric escape in a string needs 1-3 octal digits (at most \\377) or 1-2 hex digits", line, column)
            : value;
    }

    private static int? HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => null,
    };
}
