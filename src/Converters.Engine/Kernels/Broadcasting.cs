using System.Numerics.Tensors;

namespace Converters.Engine.Kernels;

/// <summary>The element-wise binary operators with NumPy broadcasting.</summary>
public enum BinaryOperator
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a - b.</summary>
    Subtract,

    /// <summary>a * b.</summary>
    Multiply,

    /// <summary>a / b.</summary>
    Divide,

    /// <summary>max(a, b).</summary>
    Max,

    /// <summary>min(a, b).</summary>
    Min,
}

/// <summary>
/// Binary element-wise operators with NumPy broadcasting. The output is cut into rows of its last
/// dimension; each row is one TensorPrimitives call (span-span, span-scalar or scalar-span).
/// </summary>
public static class Broadcasting
{
    /// <summary>dst = a op b, shapes broadcast to <paramref name="outShape"/> (all right-aligned).</summary>
    public static void Binary(BinaryOperator op, ReadOnlySpan<float> a, ReadOnlySpan<int> aShape, ReadOnlySpan<float> b, ReadOnlySpan<int> bShape, ReadOnlySpan<int> outShape, Span<float> destination)
    {
        int rank = outShape.Length;
        long total = 1;
        foreach (int d in outShape)
        {
            total *= d;
        }

        if (destination.Length < total)
        {
            ThrowHelper.Argument(nameof(destination), "is shorter than the output");
        }

        if (total == 0)
        {
            return;
        }

        if (a.Length == total && b.Length == total)
        {
            Row(op, a.Slice(0, (int)total), false, b.Slice(0, (int)total), false, destination.Slice(0, (int)total));
            return;
        }

        if (rank == 0)
        {
            Row(op, a, a.Length == 1, b, b.Length == 1, destination.Slice(0, 1));
            return;
        }

        Span<long> aStride = stackalloc long[rank];
        Span<long> bStride = stackalloc long[rank];
        Strides(aShape, rank, aStride);
        Strides(bShape, rank, bStride);
        int last = outShape[rank - 1];
        bool aScalarRow = aStride[rank - 1] == 0;
        bool bScalarRow = bStride[rank - 1] == 0;
        long rows = total / last;
        Span<int> index = stackalloc int[rank];
        for (long r = 0; r < rows; r++)
        {
            long ao = 0, bo = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                ao += index[d] * aStride[d];
                bo += index[d] * bStride[d];
            }

            ReadOnlySpan<float> ar = aScalarRow ? a.Slice((int)ao, 1) : a.Slice((int)ao, last);
            ReadOnlySpan<float> br = bScalarRow ? b.Slice((int)bo, 1) : b.Slice((int)bo, last);
            Row(op, ar, aScalarRow, br, bScalarRow, destination.Slice((int)(r * last), last));
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < outShape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }
    }

    private static void Strides(ReadOnlySpan<int> shape, int rank, Span<long> strides)
    {
        long s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int src = d - (rank - shape.Length);
            int dim = src < 0 ? 1 : shape[src];
            strides[d] = dim == 1 ? 0 : s;
            s *= dim;
        }
    }

    private static void Row(BinaryOperator op, ReadOnlySpan<float> a, bool aScalar, ReadOnlySpan<float> b, bool bScalar, Span<float> d)
    {
        if (aScalar && bScalar)
        {
            d.Fill(Scalar(op, a[0], b[0]));
            return;
        }

        if (bScalar)
        {
            float s = b[0];
            switch (op)
            {
                case BinaryOperator.Add: TensorPrimitives.Add(a, s, d); break;
                case BinaryOperator.Subtract: TensorPrimitives.Subtract(a, s, d); break;
                case BinaryOperator.Multiply: TensorPrimitives.Multiply(a, s, d); break;
                case BinaryOperator.Divide: TensorPrimitives.Divide(a, s, d); break;
                case BinaryOperator.Max: TensorPrimitives.Max(a, s, d); break;
                default: TensorPrimitives.Min(a, s, d); break;
            }

            return;
        }

        if (aScalar)
        {
            float s = a[0];
            switch (op)
            {
                case BinaryOperator.Add: TensorPrimitives.Add(b, s, d); break;
                case BinaryOperator.Multiply: TensorPrimitives.Multiply(b, s, d); break;
                case BinaryOperator.Max: TensorPrimitives.Max(b, s, d); break;
                case BinaryOperator.Min: TensorPrimitives.Min(b, s, d); break;
                default:
                    for (int i = 0; i < d.Length; i++)
                    {
                        d[i] = Scalar(op, s, b[i]);
                    }

                    break;
            }

            return;
        }

        switch (op)
        {
            case BinaryOperator.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryOperator.Subtract: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOperator.Multiply: TensorPrimitives.Multiply(a, b, d); break;
            case BinaryOperator.Divide: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOperator.Max: TensorPrimitives.Max(a, b, d); break;
            default: TensorPrimitives.Min(a, b, d); break;
        }
    }

    /// <summary>The scalar operator (the reference for the span paths).</summary>
    public static float Scalar(BinaryOperator op, float a, float b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Max => MathF.Max(a, b),
        _ => MathF.Min(a, b),
    };
}
