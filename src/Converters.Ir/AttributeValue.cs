using System.Collections.Immutable;
using System.Globalization;

namespace Converters.Ir;

/// <summary>
/// A typed, immutable attribute or metadata value: an integer, a float, a string, a list of one
/// of those, or a tensor.
/// </summary>
public sealed class AttributeValue : IEquatable<AttributeValue>
{
    private readonly long _int;
    private readonly double _float;
    private readonly string? _string;
    private readonly ImmutableArray<long> _ints;
    private readonly ImmutableArray<double> _floats;
    private readonly ImmutableArray<string> _strings;
    private readonly TensorData? _tensor;

    private AttributeValue(
        AttributeKind kind,
        long i = 0,
        double f = 0,
        string? s = null,
        ImmutableArray<long> ints = default,
        ImmutableArray<double> floats = default,
        ImmutableArray<string> strings = default,
        TensorData? tensor = null)
    {
        Kind = kind;
        _int = i;
        _float = f;
        _string = s;
        _ints = ints;
        _floats = floats;
        _strings = strings;
        _tensor = tensor;
    }

    /// <summary>The type of the value.</summary>
    public AttributeKind Kind { get; }

    /// <summary>An integer value.</summary>
    public static AttributeValue FromInt(long value) => new(AttributeKind.Int, i: value);

    /// <summary>A floating-point value.</summary>
    public static AttributeValue FromFloat(double value) => new(AttributeKind.Float, f: value);

    /// <summary>A string value.</summary>
    public static AttributeValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(AttributeKind.String, s: value);
    }

    /// <summary>A list of integers.</summary>
    public static AttributeValue FromInts(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(AttributeKind.Ints, ints: [.. values]);
    }

    /// <summary>A list of integers.</summary>
    public static AttributeValue FromInts(params int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(AttributeKind.Ints, ints: [.. values.Select(v => (long)v)]);
    }

    /// <summary>A list of floats.</summary>
    public static AttributeValue FromFloats(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(AttributeKind.Floats, floats: [.. values]);
    }

    /// <summary>A list of strings.</summary>
    public static AttributeValue FromStrings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ImmutableArray<string> array = [.. values];
        if (array.Any(s => s is null))
        {
            throw new ArgumentException("A string list cannot hold null.", nameof(values));
        }

        return new(AttributeKind.Strings, strings: array);
    }

    /// <summary>A tensor value.</summary>
    public static AttributeValue FromTensor(TensorData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(AttributeKind.Tensor, tensor: value);
    }

    /// <summary>Converts an integer.</summary>
    public static implicit operator AttributeValue(long value) => FromInt(value);

    /// <summary>Converts a float.</summary>
    public static implicit operator AttributeValue(double value) => FromFloat(value);

    /// <summary>Converts a string.</summary>
    public static implicit operator AttributeValue(string value) => FromString(value);

    /// <summary>The integer value.</summary>
    /// <exception cref="InvalidOperationException">The value is not an <see cref="AttributeKind.Int"/>.</exception>
    public long AsInt() => Kind == AttributeKind.Int ? _int : throw WrongKind(AttributeKind.Int);

    /// <summary>The float value; an <see cref="AttributeKind.Int"/> converts.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double AsFloat() => Kind switch
    {
        AttributeKind.Float => _float,
        AttributeKind.Int => _int,
        _ => throw WrongKind(AttributeKind.Float),
    };

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="AttributeKind.String"/>.</exception>
    public string AsString() => Kind == AttributeKind.String ? _string! : throw WrongKind(AttributeKind.String);

    /// <summary>The integer list.</summary>
    /// <exception cref="InvalidOperationException">The value is not an <see cref="AttributeKind.Ints"/>.</exception>
    public ImmutableArray<long> AsInts() => Kind == AttributeKind.Ints ? _ints : throw WrongKind(AttributeKind.Ints);

    /// <summary>The float list; an <see cref="AttributeKind.Ints"/> converts.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number list.</exception>
    public ImmutableArray<double> AsFloats() => Kind switch
    {
        AttributeKind.Floats => _floats,
        AttributeKind.Ints => [.. _ints.Select(v => (double)v)],
        _ => throw WrongKind(AttributeKind.Floats),
    };

    /// <summary>The string list.</summary>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="AttributeKind.Strings"/>.</exception>
    public ImmutableArray<string> AsStrings() => Kind == AttributeKind.Strings ? _strings : throw WrongKind(AttributeKind.Strings);

    /// <summary>The tensor value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="AttributeKind.Tensor"/>.</exception>
    public TensorData AsTensor() => Kind == AttributeKind.Tensor ? _tensor! : throw WrongKind(AttributeKind.Tensor);

    /// <inheritdoc/>
    public bool Equals(AttributeValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            AttributeKind.Int => _int == other._int,
            AttributeKind.Float => _float.Equals(other._float),
            AttributeKind.String => _string == other._string,
            AttributeKind.Ints => _ints.SequenceEqual(other._ints),
            AttributeKind.Floats => _floats.SequenceEqual(other._floats),
            AttributeKind.Strings => _strings.SequenceEqual(other._strings),
            AttributeKind.Tensor => _tensor!.ContentEquals(other._tensor!),
            _ => false,
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AttributeValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, ToString());

    /// <summary>The value in the IR dump notation: <c>3</c>, <c>0.1</c>, <c>"leaky"</c>, <c>[1, 1]</c>, <c>float32[3x3]</c>.</summary>
    public override string ToString() => Kind switch
    {
        AttributeKind.Int => _int.ToString(CultureInfo.InvariantCulture),
        AttributeKind.Float => FormatFloat(_float),
        AttributeKind.String => Quote(_string!),
        AttributeKind.Ints => "[" + string.Join(", ", _ints.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
        AttributeKind.Floats => "[" + string.Join(", ", _floats.Select(FormatFloat)) + "]",
        AttributeKind.Strings => "[" + string.Join(", ", _strings.Select(Quote)) + "]",
        AttributeKind.Tensor => _tensor!.ToString(),
        _ => "?",
    };

    private static string FormatFloat(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private InvalidOperationException WrongKind(AttributeKind expected) =>
        new($"The attribute value is {Kind.ToString().ToLowerInvariant()} {this}, not {expected.ToString().ToLowerInvariant()}.");
}
