using System.Collections.Immutable;

namespace Converters.Ir;

/// <summary>
/// An immutable, fully known tensor shape. Dimensions are non-negative; the IR has no symbolic
/// dimensions: a reader fixes the batch (1 unless the file says otherwise).
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly ImmutableArray<int> _dims;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public TensorShape(IEnumerable<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dims = [.. dimensions];
        foreach (int d in _dims)
        {
            if (d < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape {Format(_dims)} has a negative dimension.");
            }
        }
    }

    /// <summary>The shape of a scalar (rank 0, one element).</summary>
    public static TensorShape Scalar { get; } = new([]);

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    public static TensorShape Of(params int[] dimensions) => new(dimensions);

    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<int> Dimensions => _dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Dimension <paramref name="axis"/>; a negative axis counts from the end.</summary>
    public int this[int axis] => _dims[axis < 0 ? axis + _dims.Length : axis];

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in _dims)
            {
                n = checked(n * d);
            }

            return n;
        }
    }

    /// <summary>A copy with dimension <paramref name="axis"/> replaced by <paramref name="value"/>.</summary>
    public TensorShape With(int axis, int value)
    {
        int a = axis < 0 ? axis + _dims.Length : axis;
        return new TensorShape(_dims.SetItem(a, value));
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>The shape as <c>1x3x416x416</c> (<c>scalar</c> for rank 0).</summary>
    public override string ToString() => Format(_dims);

    /// <summary>Equality of shapes.</summary>
    public static bool operator ==(TensorShape? left, TensorShape? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality of shapes.</summary>
    public static bool operator !=(TensorShape? left, TensorShape? right) => !(left == right);

    private static string Format(ImmutableArray<int> dims) => dims.Length == 0 ? "scalar" : string.Join('x', dims);
}
