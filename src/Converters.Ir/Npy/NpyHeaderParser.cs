using System.Globalization;
using System.Text;

namespace Converters.Ir.Npy;

/// <summary>
/// Parses the header dict of a <c>.npy</c> file — a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (1, 3, 416, 416), }</c> — without
/// evaluating Python. It accepts what numpy and other writers produce (any spacing, any key order,
/// single or double quotes, an optional trailing comma, padding spaces and newlines after the
/// closing brace) and rejects anything else: other keys, repeated keys, lists, escapes, a
/// parenthesised number that is not a tuple (<c>(5)</c>), negative or over-large dimensions.
/// Errors carry the byte offset in the file and the field path (<c>header.shape[1]</c>).
/// </summary>
internal ref struct NpyHeaderParser
{
    private const string DescrKey = "descr";
    private const string FortranOrderKey = "fortran_order";
    private const string ShapeKey = "shape";

    private readonly ReadOnlySpan<byte> _text;
    private readonly long _baseOffset;
    private readonly Encoding _encoding;
    private readonly string? _filePath;
    private int _position;

    private NpyHeaderParser(ReadOnlySpan<byte> text, long baseOffset, Encoding encoding, string? filePath)
    {
        _text = text;
        _baseOffset = baseOffset;
        _encoding = encoding;
        _filePath = filePath;
        _position = 0;
    }

    /// <summary>Parses <paramref name="text"/>, which starts at file offset <paramref name="baseOffset"/>.</summary>
    /// <exception cref="NpyFormatException">The header is not a valid header dict.</exception>
    public static NpyHeader Parse(ReadOnlySpan<byte> text, long baseOffset, Encoding encoding, string? filePath)
    {
        var parser = new NpyHeaderParser(text, baseOffset, encoding, filePath);
        return parser.ParseDict();
    }

    private NpyHeader ParseDict()
    {
        string? descr = null;
        long descrOffset = 0;
        bool? fortranOrder = null;
        int[]? shape = null;
        long shapeOffset = 0;

        SkipWhitespace();
        Expect((byte)'{', "header", "'{' opening the header dict");
        SkipWhitespace();
        while (Peek() != '}')
        {
            int keyStart = _position;
            if (Peek() is not ('\'' or '"'))
            {
                throw Error(keyStart, "header", $"expected a quoted key ('descr', 'fortran_order' or 'shape') or '}}', found {Describe(keyStart)}");
            }

            string key = ParseString("header");
            SkipWhitespace();
            Expect((byte)':', $"header.{key}", $"':' after the key '{key}'");
            SkipWhitespace();
            int valueStart = _position;
            switch (key)
            {
                case DescrKey:
                    ThrowIfRepeated(descr is not null, key, keyStart);
                    descrOffset = _baseOffset + valueStart;
                    descr = ParseDescr();
                    break;
                case FortranOrderKey:
                    ThrowIfRepeated(fortranOrder is not null, key, keyStart);
                    fortranOrder = ParseBool($"header.{FortranOrderKey}");
                    break;
                case ShapeKey:
                    ThrowIfRepeated(shape is not null, key, keyStart);
                    shapeOffset = _baseOffset + valueStart;
                    shape = ParseShape();
                    break;
                default:
                    throw Error(keyStart, "header", $"expected only the keys 'descr', 'fortran_order' and 'shape', found '{key}'");
            }

            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                SkipWhitespace();
            }
            else if (Peek() != '}')
            {
                throw Error(_position, "header", $"expected ',' or '}}' after the value of '{key}', found {Describe(_position)}");
            }
        }

        int closeBrace = _position;
        _position++;
        string? missing = descr is null ? DescrKey : fortranOrder is null ? FortranOrderKey : shape is null ? ShapeKey : null;
        if (missing is not null)
        {
            throw Error(closeBrace, $"header.{missing}", $"expected the key '{missing}' before '}}', found the end of the dict; a .npy header holds 'descr', 'fortran_order' and 'shape'");
        }

        SkipWhitespace();
        if (_position < _text.Length)
        {
            throw Error(_position, "header", $"expected only padding (spaces and a final '\\n') after the header dict, found {Describe(_position)}");
        }

        return new NpyHeader
        {
            Descr = descr!,
            DescrOffset = descrOffset,
            FortranOrder = fortranOrder!.Value,
            Shape = shape!,
            ShapeOffset = shapeOffset,
        };
    }

    private string ParseDescr()
    {
        const string Field = "header.descr";
        if (Peek() == '[')
        {
            throw Error(_position, Field, "expected a dtype string such as '<f4', found a list: structured dtypes are not supported");
        }

        if (Peek() is not ('\'' or '"'))
        {
            throw Error(_position, Field, $"expected a dtype string such as '<f4', found {Describe(_position)}");
        }

        return ParseString(Field);
    }

    private bool ParseBool(string field)
    {
        int start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit((char)_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        ReadOnlySpan<byte> word = _text[start.._position];
        if (word.SequenceEqual("True"u8))
        {
            return true;
        }

        if (word.SequenceEqual("False"u8))
        {
            return false;
        }

        string found = word.IsEmpty ? Describe(start) : $"'{Encoding.ASCII.GetString(word)}'";
        throw Error(start, field, $"expected True or False, found {found}");
    }

    private int[] ParseShape()
    {
        const string Field = "header.shape";
        int open = _position;
        if (Peek() != '(')
        {
            string found = Peek() == '[' ? "a list" : Describe(open);
            throw Error(open, Field, $"expected a tuple of dimensions such as (1, 3, 416, 416), found {found}");
        }

        _position++;
        SkipWhitespace();
        var dims = new List<int>();
        if (Peek() == ')')
        {
            _position++;
            return [];
        }

        while (true)
        {
            dims.Add(ParseDimension($"{Field}[{dims.Count}]"));
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                SkipWhitespace();
                if (Peek() == ')')
                {
                    _position++;
                    return [.. dims];
                }
            }
            else if (Peek() == ')')
            {
                if (dims.Count == 1)
                {
                    throw Error(_position, Field, $"expected ',' before ')': a one-dimensional shape is the tuple ({dims[0]},), while ({dims[0]}) is a plain number");
                }

                _position++;
                return [.. dims];
            }
            else
            {
                throw Error(_position, Field, $"expected ',' or ')' after dimension {dims.Count - 1}, found {Describe(_position)}");
            }
        }
    }

    private int ParseDimension(string field)
    {
        int start = _position;
        bool negative = Peek() == '-';
        if (negative)
        {
            _position++;
            SkipWhitespace();
        }

        int digitsStart = _position;
        while (_position < _text.Length && char.IsAsciiDigit((char)_text[_position]))
        {
            _position++;
        }

        ReadOnlySpan<byte> digits = _text[digitsStart.._position];
        if (digits.IsEmpty)
        {
            throw Error(start, field, $"expected a non-negative integer dimension, found {Describe(digitsStart)}");
        }

        string text = (negative ? "-" : string.Empty) + Encoding.ASCII.GetString(digits);
        if (digits.Length > 1 && digits[0] == '0')
        {
            throw Error(start, field, $"expected a decimal integer without leading zeros, found {text}");
        }

        if (_position < _text.Length && (char.IsAsciiLetter((char)_text[_position]) || _text[_position] is (byte)'_' or (byte)'.'))
        {
            throw Error(start, field, $"expected a plain integer dimension, found {text} followed by {Describe(_position)}");
        }

        bool isZero = digits.Length == 1 && digits[0] == '0';
        if (negative && !isZero)
        {
            throw Error(start, field, $"expected a non-negative dimension, found {text}");
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw Error(start, field, $"expected a dimension of at most {int.MaxValue}, found {text}: the IR indexes each axis with an int");
        }

        return value;
    }

    private string ParseString(string field)
    {
        int start = _position;
        byte quote = _text[_position];
        _position++;
        int contentStart = _position;
        while (_position < _text.Length && _text[_position] != quote)
        {
            byte b = _text[_position];
            if (b == '\\')
            {
                throw Error(_position, field, "expected a plain string, found an escape sequence ('\\'); .npy headers never need one");
            }

            if (b is (byte)'\n' or (byte)'\r')
            {
                throw Error(_position, field, $"expected the closing {(char)quote} of the string that starts at byte {_baseOffset + start}, found a line break");
            }

            if (b < 0x20 || b == 0x7F)
            {
                throw Error(_position, field, $"expected a printable character in the string, found {Describe(_position)}");
            }

            _position++;
        }

        if (_position >= _text.Length)
        {
            throw Error(start, field, $"expected the closing {(char)quote} of the string that starts here, found the end of the header");
        }

        string value = _encoding.GetString(_text[contentStart.._position]);
        _position++;
        return value;
    }

    private readonly void ThrowIfRepeated(bool seen, string key, int keyStart)
    {
        if (seen)
        {
            throw Error(keyStart, $"header.{key}", $"expected each key once, found '{key}' a second time");
        }
    }

    private void Expect(byte expected, string field, string what)
    {
        if (Peek() != expected)
        {
            throw Error(_position, field, $"expected {what}, found {Describe(_position)}");
        }

        _position++;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    private readonly int Peek() => _position < _text.Length ? _text[_position] : -1;

    private readonly string Describe(int position)
    {
        if (position >= _text.Length)
        {
            return "the end of the header";
        }

        byte b = _text[position];
        return b switch
        {
            (byte)'\n' => "'\\n'",
            (byte)'\t' => "'\\t'",
            (byte)'\r' => "'\\r'",
            >= 0x20 and < 0x7F => $"'{(char)b}'",
            _ => $"byte 0x{b:X2}",
        };
    }

    private readonly NpyFormatException Error(int position, string field, string message) =>
        NpyThrowHelper.Create(_filePath, _baseOffset + position, field, message);
}
