using System.Collections.Immutable;

namespace Converters.Ir.Schemas;

/// <summary>
/// The standard op set (domain ""): the operators every format plugin maps to. Layout is NCHW,
/// weights OIHW. Each family lives in its own partial file. See <c>docs/ir.md</c> for the table.
/// </summary>
public static partial class StandardOps
{
    /// <summary>Every standard schema.</summary>
    public static IEnumerable<OpSchema> All() =>
        Convolution().Concat(Normalization()).Concat(Activation()).Concat(Pooling())
            .Concat(Elementwise()).Concat(TensorOps()).Concat(Detection()).Concat(Misc());

    private static readonly AttributeValue s_ones2 = AttributeValue.FromInts(1, 1);
    private static readonly AttributeValue s_zeros2 = AttributeValue.FromInts(0, 0);
    private static readonly AttributeValue s_zeros4 = AttributeValue.FromInts(0, 0, 0, 0);

    /// <summary>Requires input <paramref name="index"/> to have rank <paramref name="rank"/>.</summary>
    private static TensorShape RequireRank(InferenceContext c, int index, int rank, string layout)
    {
        TensorShape shape = c.InputShape(index);
        if (shape.Rank != rank)
        {
            string name = c.Schema.InputAt(index)?.Name ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw c.Fail($"input '{name}' must be rank {rank} ({layout}), got shape {shape}");
        }

        return shape;
    }

    /// <summary>An integer pair attribute (strides, dilations) whose values are all positive.</summary>
    private static (int H, int W) PositivePair(InferenceContext c, string name)
    {
        ImmutableArray<long> v = c.GetInts(name);
        if (v.Length != 2)
        {
            throw c.FailAttribute(name, $"must have 2 values (height, width), got {v.Length}");
        }

        if (v[0] <= 0 || v[1] <= 0)
        {
            throw c.FailAttribute(name, "must be positive");
        }

        return (checked((int)v[0]), checked((int)v[1]));
    }

    /// <summary>The 4 pads [top, left, bottom, right], all non-negative.</summary>
    private static (int Top, int Left, int Bottom, int Right) Pads(InferenceContext c, string name = "pads")
    {
        ImmutableArray<long> v = c.GetInts(name);
        if (v.Length != 4)
        {
            throw c.FailAttribute(name, $"must have 4 values (top, left, bottom, right), got {v.Length}");
        }

        if (v.Any(p => p < 0))
        {
            throw c.FailAttribute(name, "must not be negative");
        }

        return (checked((int)v[0]), checked((int)v[1]), checked((int)v[2]), checked((int)v[3]));
    }

    /// <summary>Normalises a possibly negative <paramref name="axis"/> against <paramref name="rank"/>.</summary>
    private static int Axis(InferenceContext c, string name, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw c.FailAttribute(name, $"is out of range for rank {rank}");
        }

        return (int)a;
    }

    /// <summary>
    /// Checks an optional list of contiguous group sizes (hierarchical softmax): each positive, summing to
    /// <paramref name="total"/>, the length of <paramref name="what"/>.
    /// </summary>
    private static void GroupSizes(InferenceContext c, string name, long total, string what)
    {
        if (!c.HasAttribute(name))
        {
            return;
        }

        ImmutableArray<long> sizes = c.GetInts(name);
        if (sizes.IsEmpty || sizes.Any(s => s <= 0))
        {
            throw c.FailAttribute(name, "must be a non-empty list of positive group sizes");
        }

        long sum = 0;
        foreach (long s in sizes)
        {
            sum += s;
        }

        if (sum != total)
        {
            throw c.FailAttribute(name, $"sizes sum to {sum} over {sizes.Length} groups, but {what} has {total} values");
        }
    }

    private static void SameAsInput(InferenceContext c) => c.SetOutput(0, c.InputShape(0));
}
