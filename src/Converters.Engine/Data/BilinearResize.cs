using System.Buffers;

namespace Converters.Engine.Data;

/// <summary>
/// Bilinear resampling of one float plane with OpenCV's <c>INTER_LINEAR</c> rule: pixel centres
/// are aligned (source x = (x + 0.5) * srcW / dstW - 0.5), coordinates left of the first or right
/// of the last source pixel clamp to it, and each output is
/// <c>(1-fy)*((1-fx)*p00 + fx*p01) + fy*((1-fx)*p10 + fx*p11)</c>.
/// </summary>
internal static class BilinearResize
{
    /// <summary>
    /// Resizes <paramref name="source"/> (<paramref name="sourceWidth"/> x <paramref name="sourceHeight"/>)
    /// into a <paramref name="width"/> x <paramref name="height"/> window of <paramref name="destination"/>
    /// whose rows are <paramref name="destinationStride"/> floats apart.
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination, int destinationStride, int width, int height)
    {
        if (width == sourceWidth && height == sourceHeight)
        {
            for (int y = 0; y < height; y++)
            {
                source.Slice(y * sourceWidth, width).CopyTo(destination.Slice(y * destinationStride, width));
            }

            return;
        }

        int[] xIndex = ArrayPool<int>.Shared.Rent(width);
        float[] xWeight = ArrayPool<float>.Shared.Rent(width);
        try
        {
            for (int x = 0; x < width; x++)
            {
                (xIndex[x], xWeight[x]) = Coordinate(x, sourceWidth, width);
            }

            for (int y = 0; y < height; y++)
            {
                (int sy, float fy) = Coordinate(y, sourceHeight, height);
                ReadOnlySpan<float> row0 = source.Slice(sy * sourceWidth, sourceWidth);
                ReadOnlySpan<float> row1 = source.Slice(Math.Min(sy + 1, sourceHeight - 1) * sourceWidth, sourceWidth);
                Span<float> target = destination.Slice(y * destinationStride, width);
                float gy = 1f - fy;
                for (int x = 0; x < width; x++)
                {
                    int sx = xIndex[x];
                    int sx1 = Math.Min(sx + 1, sourceWidth - 1);
                    float fx = xWeight[x];
                    float gx = 1f - fx;
                    float top = (row0[sx] * gx) + (row0[sx1] * fx);
                    float bottom = (row1[sx] * gx) + (row1[sx1] * fx);
                    target[x] = (top * gy) + (bottom * fy);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(xIndex);
            ArrayPool<float>.Shared.Return(xWeight);
        }
    }

    private static (int Index, float Weight) Coordinate(int target, int sourceSize, int targetSize)
    {
        double scale = 1.0 / ((double)targetSize / sourceSize);
        float f = (float)(((target + 0.5) * scale) - 0.5);
        int s = (int)MathF.Floor(f);
        f -= s;
        if (s < 0)
        {
            return (0, 0f);
        }

        if (s >= sourceSize - 1)
        {
            return (sourceSize - 1, 0f);
        }

        return (s, f);
    }
}
