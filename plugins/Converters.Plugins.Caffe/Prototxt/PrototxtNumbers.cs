using System.Globalization;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>Number syntax of protobuf text format, read and written culture-invariantly.</summary>
internal static class PrototxtNumbers
{
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

        bool ok = s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X'
            ? Int128.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0
            : s.Length > 0 && char.IsAsciiDigit(s[0]) && Int128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
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

    public static bool TryParseDouble(string text, out double value)
    {
        value = 0;
        string s = text;
        string lower = s.ToLowerInvariant();
        string body = lower.TrimStart('-', '+');
        bool negative = lower.StartsWith('-');
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

        if (lower.EndsWith('f') && !lower.Contains('x', StringComparison.Ordinal))
        {
            s = s[..^1];
        }

        if (TryParseInteger(s, out Int128 integer) && s.Contains('x', StringComparison.OrdinalIgnoreCase))
        {
            value = (double)integer;
            return true;
        }

        return s.Length > 0 && (char.IsAsciiDigit(s[^1]) || s[^1] == '.')
            && double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    public static string Format(float value) =>
        float.IsNaN(value) ? "nan" : float.IsPositiveInfinity(value) ? "inf" : float.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    public static string Format(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
}
