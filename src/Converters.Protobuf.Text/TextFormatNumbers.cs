using System.Globalization;

namespace Converters.Protobuf.Text;

/// <summary>Number syntax of protobuf text format, read and written culture-invariantly.</summary>
internal static class TextFormatNumbers
{
    /// <summary>
    /// Reads an integer: decimal, hex (<c>0x1F</c>) or octal (a leading <c>0</c>: <c>017</c>), with an optional sign.
    /// Values beyond <see cref="Int128"/> fail, which every caller reports as out of range.
    /// </summary>
    public static bool TryParseInteger(string text, out Int128 value)
    {
        value = 0;
        ReadOnlySpan<char> s = text;
        bool negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        bool ok;
        if (s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X')
        {
            ok = Int128.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            ok = TryParseOctal(s[1..], out value);
        }
        else
        {
            ok = s.Length > 0 && char.IsAsciiDigit(s[0]) && Int128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        if (!ok)
        {
            value = 0;
            return false;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>
    /// Reads a floating-point number: decimal with optional exponent (<c>1.</c>, <c>.5</c>, <c>1e-5</c>), an
    /// optional <c>f</c> suffix, integer forms (<c>0x10</c>), and <c>inf</c>, <c>infinity</c>, <c>nan</c> in any case.
    /// </summary>
    public static bool TryParseDouble(string text, out double value)
    {
        value = 0;
        string s = text;
        string lower = s.ToLowerInvariant();
        bool negative = lower.StartsWith('-');
        string body = lower.Length > 0 && lower[0] is '-' or '+' ? lower[1..] : lower;
        if (body is "inf" or "infinity")
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (body == "nan")
        {
            value = double.NaN;
            return true;
        }

        if (TryParseInteger(s, out Int128 integer))
        {
            value = negative && integer == 0 ? -0.0 : (double)integer;
            return true;
        }

        if (lower.EndsWith('f') && !lower.Contains('x', StringComparison.Ordinal))
        {
            s = s[..^1];
        }

        return s.Length > 0 && (char.IsAsciiDigit(s[^1]) || s[^1] == '.')
            && double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The shortest text that reads back as exactly <paramref name="value"/>; <c>inf</c>, <c>-inf</c>, <c>nan</c>.</summary>
    public static string Format(float value) =>
        float.IsNaN(value) ? "nan" : float.IsPositiveInfinity(value) ? "inf" : float.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>The shortest text that reads back as exactly <paramref name="value"/>; <c>inf</c>, <c>-inf</c>, <c>nan</c>.</summary>
    public static string Format(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    private static bool TryParseOctal(ReadOnlySpan<char> digits, out Int128 value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '7' || value > (Int128.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) + (c - '0');
        }

        return true;
    }
}
