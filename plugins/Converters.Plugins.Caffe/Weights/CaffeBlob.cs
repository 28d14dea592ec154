using Converters.Ir;
using Converters.Plugins.Caffe.Proto;

namespace Converters.Plugins.Caffe.Weights;

/// <summary>
/// One <c>BlobProto</c> read as float32: its declared shape (the legacy num/channels/height/width when
/// any is set, as Caffe and OpenCV decide, else <c>shape</c>, else a scalar) and its values
/// (<c>data</c>, or <c>double_data</c> narrowed to float).
/// </summary>
internal sealed class CaffeBlob
{
    private CaffeBlob(long[] dims, bool legacy, float[] values, double[]? doubles)
    {
        Doubles = doubles;
        Dims = dims;
        Legacy = legacy;
        Values = values;
    }

    public long[] Dims { get; }

    public bool Legacy { get; }

    public float[] Values { get; }

    /// <summary>The values as stored when the blob held <c>double_data</c>, else null.</summary>
    public double[]? Doubles { get; }

    public long DeclaredCount => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>The shape in the metadata form the writer reproduces: "legacy N C H W", "shape D...".</summary>
    public string ShapeForm => (Legacy ? "legacy" : "shape") + string.Concat(Dims.Select(d => " " + d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public string DimsText => Dims.Length == 0 ? "a scalar" : string.Join(" x ", Dims);

    public static CaffeBlob From(BlobProto blob)
    {
        bool legacy = blob.HasNum || blob.HasChannels || blob.HasHeight || blob.HasWidth;
        long[] dims = legacy
            ? [blob.Num, blob.Channels, blob.Height, blob.Width]
            : blob.Shape is { } shape ? [.. shape.Dim] : [];
        bool fromDouble = blob.Data.Count == 0 && blob.DoubleData.Count > 0;
        float[] values = fromDouble ? [.. blob.DoubleData.Select(d => (float)d)] : [.. blob.Data];
        return new CaffeBlob(dims, legacy, values, fromDouble ? [.. blob.DoubleData] : null);
    }

    /// <summary>Whether the declared shape is <paramref name="expected"/>, ignoring dimensions of size 1.</summary>
    public bool Matches(TensorShape expected)
    {
        if (Dims.Length == expected.Rank && Dims.Select((d, i) => d == expected[i]).All(b => b))
        {
            return true;
        }

        long[] a = [.. Dims.Where(d => d != 1)];
        int[] b = [.. expected.Dimensions.Where(d => d != 1)];
        return a.Length == b.Length && a.Select((d, i) => d == b[i]).All(x => x);
    }
}
