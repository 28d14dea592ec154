using System.Globalization;
using System.Text;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>
/// Splits protobuf text format into tokens with their line and column, decoding strings (single or
/// double quotes, C escapes) and collecting <c>#</c> comments.
/// </summary>
internal sealed class PrototxtTokenizer
{
    private readonly string _text;
    private readonly string _path;
    private readonly List<PrototxtComment> _comments = [];
    private int _index;
    private int _line = 1;
    private int _lineStart;
    private bool _tokenOnLine;

    public PrototxtTokenizer(string path, string text)
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
    public List<PrototxtComment> Comments => _comments;

    public Token Next()
    {
        SkipSpaceAndComments();
        if (_index >= _text.Length)
        {
            return new Token(TokenKind.End, string.Empty, _line, _index - _lineStart + 1);
        }

        _tokenOnLine = true;
        int line = _line;
        int column = _index - _lineStart + 1;
        char c = _text[_index];
        if (c is '"' or '\'')
        {
            return new Token(TokenKind.String, ReadString(c, line, column), line, column);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = _index;
            while (_index < _text.Length && (char.IsAsciiLetterOrDigit(_text[_index]) || _text[_index] == '_'))
            {
                _index++;
            }

            return new Token(TokenKind.Identifier, _text[start.._index], line, column);
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

            return new Token(TokenKind.Number, _text[start.._index], line, column);
        }

        _index++;
        return new Token(TokenKind.Symbol, c.ToString(), line, column);
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
                _comments.Add(new PrototxtComment(_line, _text[(_index + 1)..end].TrimEnd('\r'), !_tokenOnLine));
                _index = end;
            }
            else
            {
                return;
            }
        }
    }

    private string ReadString(char quote, int line, int column)
    {
        var sb = new StringBuilder();
        var bytes = new List<byte>();
        _index++;
        while (true)
        {
            if (_index >= _text.Length || _text[_index] == '\n')
            {
                throw new PrototxtException($"the string starting here has no closing {quote}") { FilePath = _path, Line = line, Column = column };
            }

            char c = _text[_index];
            if (c == quote)
            {
                _index++;
                FlushBytes(bytes, sb);
                return sb.ToString();
            }

            if (c != '\\')
            {
                FlushBytes(bytes, sb);
                sb.Append(c);
                _index++;
                continue;
            }

            if (_index + 1 >= _text.Length)
            {
                throw new PrototxtException("a backslash ends the file inside a string") { FilePath = _path, Line = line, Column = column };
            }

            char e = _text[_index + 1];
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
                    bytes.Add((byte)ReadDigits(16, 2, line, column));
                    break;
                case >= '0' and <= '7':
                    _index--;
                    bytes.Add((byte)ReadDigits(8, 3, line, column));
                    break;
                default:
                    throw new PrototxtException($"unknown escape '\\{e}' in a string") { FilePath = _path, Line = _line, Column = _index - _lineStart - 1 };
            }
        }
    }

    private int ReadDigits(int radix, int max, int line, int column)
    {
        int value = 0;
        int count = 0;
        while (count < max && _index < _text.Length && Uri.IsHexDigit(_text[_index]) && int.Parse(_text[_index].ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) < radix)
        {
            value = (value * radix) + int.Parse(_text[_index].ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _index++;
            count++;
        }

        return count == 0 || value > 255
            ? throw new PrototxtException("a numeric escape in a string needs 1-3 octal or 1-2 hex digits for one byte") { FilePath = _path, Line = line, Column = column }
            : value;
    }

    private static void FlushBytes(List<byte> bytes, StringBuilder sb)
    {
        if (bytes.Count > 0)
        {
            sb.Append(Encoding.UTF8.GetString([.. bytes]));
            bytes.Clear();
        }
    }
}
