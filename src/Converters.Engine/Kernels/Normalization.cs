using System.Numerics.Tensors;

namespace Converters.Engine.Kernels;

/// <summary>Per-channel affine maps (batch norm, Scale), LRN and softmax.</summary>
public static class Normalization
{
    /// <summary>
    /// Folds inference batch norm into y = a[c] * x + b[c] (computed in double): a = scale / D,
    /// b = bias - mean * a, with D = sqrt(var + eps) ('variance') or sqrt(var) + eps ('stddev', pjreddie Darknet).
    /// </summary>
    public static void BatchNormCoefficients(ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double epsilon, bool epsilonAfterSqrt, Span<float> a, Span<float> b)
    {
        for (int c = 0; c < scale.Length; c++)
        {
            double d = epsilonAfterSqrt ? Math.Sqrt(variance[c]) + epsilon : Math.Sqrt(variance[c] + epsilon);
            double ac = scale[c] / d;
            a[c] = (float)ac;
            b[c] = (float)(bias[c] - (mean[c] * ac));
        }
    }

    /// <summary>y = a[c] * x + b[c] over <paramref name="outer"/> x C planes of <paramref name="inner"/> elements.</summary>
    public static void ChannelAffine(ReadOnlySpan<float> x, int outer, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int inner, Span<float> destination)
    {
        int channels = a.Length;
        if (x.Length < (long)outer * channels * inner || destination.Length < (long)outer * channels * inner)
        {
            ThrowHelper.Argument(nameof(destination), "or the input is too short");
        }

        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                int off = ((o * channels) + c) * inner;
                float bc = b.IsEmpty ? 0f : b[c];
                Activations.ScalarAffine(x.Slice(off, inner), a[c], bc, destination.Slice(off, inner));
            }
        }
    }

    /// <summary>
    /// LRN across channels: y = x / (bias + alpha/size * sum over channels [c - (size-1)/2, c + size/2] of x^2)^beta
    /// (Caffe ACROSS_CHANNELS; Darknet [normalization] with alpha scaled by size).
    /// <paramref name="scratch"/> holds H*W*2 floats.
    /// </summary>
    public static void LrnAcross(ReadOnlySpan<float> x, int batch, int channels, int plane, int size, float alpha, float beta, float bias, Span<float> scratch, Span<float> destination)
    {
        Span<float> sum = scratch.Slice(0, plane);
        Span<float> sq = scratch.Slice(plane, plane);
        int before = (size - 1) / 2;
        int after = size / 2;
        float a = alpha / size;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xb = x.Slice(n * channels * plane, channels * plane);
            Span<float> yb = destination.Slice(n * channels * plane, channels * plane);
            for (int c = 0; c < channels; c++)
            {
                sum.Clear();
                for (int k = Math.Max(0, c - before); k <= Math.Min(channels - 1, c + after); k++)
                {
                    ReadOnlySpan<float> xk = xb.Slice(k * plane, plane);
                    TensorPrimitives.MultiplyAdd(xk, xk, sum, sum);
                }

                Activations.ScalarAffine(sum, a, bias, sq);
                for (int i = 0; i < plane; i++)
                {
                    yb[(c * plane) + i] = xb[(c * plane) + i] * MathF.Pow(sq[i], -beta);
                }
            }
        }
    }

    /// <summary>
    /// LRN within a channel: y = x / (bias + alpha/size^2 * sum of x^2 over the size x size window
    /// centred at the pixel (offset -(size-1)/2, clipped to the image))^beta.
    /// </summary>
    public static void LrnWithin(ReadOnlySpan<float> x, int planes, int height, int width, int size, float alpha, float beta, float bias, Span<float> destination)
    {
        int before = (size - 1) / 2;
        float a = alpha / (size * size);
        for (int c = 0; c < planes; c++)
        {
            ReadOnlySpan<float> src = x.Slice(c * height * width, height * width);
            Span<float> dst = destination.Slice(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                for (int xx = 0; xx < width; xx++)
                {
                    float s = 0;
                    for (int yy = Math.Max(0, y - before); yy < Math.Min(height, y - before + size); yy++)
                    {
                        for (int x2 = Math.Max(0, xx - before); x2 < Math.Min(width, xx - before + size); x2++)
                        {
                            float v = src[(yy * width) + x2];
                            s += v * v;
                        }
                    }

                    dst[(y * width) + xx] = src[(y * width) + xx] * MathF.Pow(bias + (a * s), -beta);
                }
            }
        }
    }

    /// <summary>
    /// Softmax over the middle axis of an (outer x axis x inner) tensor. <paramref name="scratch"/> holds
    /// 2 * inner floats (unused when inner is 1).
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> x, int outer, int axis, int inner, Span<float> scratch, Span<float> destination)
    {
        if (axis == 0 || inner == 0)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                // TensorPrimitives.SoftMax does not subtract the maximum, so logits above ~88 overflow exp to NaN.
                ReadOnlySpan<float> row = x.Slice(o * axis, axis);
                Span<float> d = destination.Slice(o * axis, axis);
                TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), d);
                TensorPrimitives.Exp(d, d);
                TensorPrimitives.Divide(d, TensorPrimitives.Sum(d), d);
            }

            return;
        }

        Span<float> max = scratch.Slice(0, inner);
        Span<float> sum = scratch.Slice(inner, inner);
        for (int o = 0; o < outer; o++)
        {
            int off = o * axis * inner;
            x.Slice(off, inner).CopyTo(max);
            for (int k = 1; k < axis; k++)
            {
                TensorPrimitives.Max(max, x.Slice(off + (k * inner), inner), max);
            }

            sum.Clear();
            for (int k = 0; k < axis; k++)
            {
                Span<float> d = destination.Slice(off + (k * inner), inner);
                TensorPrimitives.Subtract(x.Slice(off + (k * inner), inner), max, d);
                TensorPrimitives.Exp(d, d);
                TensorPrimitives.Add(sum, d, sum);
            }

            for (int k = 0; k < axis; k++)
            {
                Span<float> d = destination.Slice(off + (k * inner), inner);
                TensorPrimitives.Divide(d, sum, d);
            }
        }
    }

    /// <summary>
    /// Hierarchical softmax (Darknet's <c>tree</c>): the middle axis of an (outer x axis x inner) tensor is
    /// split into contiguous groups of <paramref name="groupSizes"/> (positive, summing to
    /// <paramref name="axis"/>) and each group is normalised on its own, as <see cref="Softmax"/> does.
    /// <paramref name="scratch"/> holds 2 * inner floats (unused when inner is 1).
    /// </summary>
    public static void GroupedSoftmax(ReadOnlySpan<float> x, int outer, int axis, int inner, ReadOnlySpan<int> groupSizes, Span<float> scratch, Span<float> destination)
    {
        int total = 0;
        foreach (int size in groupSizes)
        {
            if (size <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(groupSizes), size, "every group size must be positive");
            }

            total += size;
        }

        if (total != axis)
        {
            throw new ArgumentException($"the group sizes sum to {total}, the axis has {axis} values", nameof(groupSizes));
        }

        long n = (long)outer * axis * inner;
        if (x.Length < n || destination.Length < n)
        {
            throw new ArgumentException($"x and destination need {n} values (outer {outer} x axis {axis} x inner {inner}); got {x.Length} and {destination.Length}");
        }

        for (int o = 0; o < outer; o++)
        {
            int offset = o * axis * inner;
            foreach (int size in groupSizes)
            {
                int length = size * inner;
                Softmax(x.Slice(offset, length), 1, size, inner, scratch, destination.Slice(offset, length));
                offset += length;
            }
        }
    }
}
