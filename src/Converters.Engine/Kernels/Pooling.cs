using System.Numerics.Tensors;

namespace Converters.Engine.Kernels;

/// <summary>Window geometry of a 2-D pooling (pads top, left, bottom, right).</summary>
public readonly record struct PoolParameters(int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight);

/// <summary>
/// Max and average pooling over NCHW planes. The output size is the caller's (from shape inference,
/// including Caffe's ceil-mode rule); windows are clipped to the image. Max ignores padding (Darknet
/// and Caffe: padded cells never win; a window wholly in padding gives -FLT_MAX as in Darknet).
/// Average divides by the valid pixels, or with count_include_pad by the window clipped to the
/// padded input, i.e. (min(ys + kh, H + pb) - ys) x (min(xs + kw, W + pr) - xs) with ys = oy*sh - pt:
/// Caffe's rule, which equals kh*kw whenever the window stays inside the padded input.
/// </summary>
public static unsafe class Pooling
{
    /// <summary>Max pooling of <paramref name="planes"/> planes of H x W into OH x OW.</summary>
    public static void MaxPool(ReadOnlySpan<float> x, int planes, int height, int width, PoolParameters p, int outH, int outW, Span<float> destination)
    {
        Check(x, planes, height, width, outH, outW, destination);
        fixed (float* px = x)
        fixed (float* pd = destination)
        {
            for (int c = 0; c < planes; c++)
            {
                float* src = px + ((long)c * height * width);
                float* dst = pd + ((long)c * outH * outW);
                for (int oy = 0; oy < outH; oy++)
                {
                    int ys = (oy * p.StrideH) - p.PadTop;
                    int y0 = Math.Max(ys, 0);
                    int y1 = Math.Min(ys + p.KernelH, height);
                    float* drow = dst + ((long)oy * outW);
                    if (p.KernelH == 2 && p.KernelW == 2 && p.StrideW == 2 && y1 - y0 == 2 && p.PadLeft == 0)
                    {
                        // The common Darknet/VGG 2x2 stride-2 window, both rows inside the image.
                        float* r0 = src + ((long)y0 * width);
                        float* r1 = r0 + width;
                        int full = Math.Min(outW, width / 2);
                        for (int ox = 0; ox < full; ox++)
                        {
                            float a = Math.Max(r0[2 * ox], r0[(2 * ox) + 1]);
                            float b = Math.Max(r1[2 * ox], r1[(2 * ox) + 1]);
                            drow[ox] = Math.Max(a, b);
                        }

                        for (int ox = full; ox < outW; ox++)
                        {
                            drow[ox] = WindowMax(src, width, y0, y1, Math.Max(2 * ox, 0), Math.Min((2 * ox) + 2, width));
                        }

                        continue;
                    }

                    for (int ox = 0; ox < outW; ox++)
                    {
                        int xs = (ox * p.StrideW) - p.PadLeft;
                        drow[ox] = WindowMax(src, width, y0, y1, Math.Max(xs, 0), Math.Min(xs + p.KernelW, width));
                    }
                }
            }
        }
    }

    private static float WindowMax(float* src, int width, int y0, int y1, int x0, int x1)
    {
        float m = float.MinValue;
        for (int y = y0; y < y1; y++)
        {
            float* row = src + ((long)y * width);
            for (int xx = x0; xx < x1; xx++)
            {
                float v = row[xx];
                m = v > m ? v : m;
            }
        }

        return m;
    }

    /// <summary>Average pooling; see the class remarks for the divisor.</summary>
    public static void AveragePool(ReadOnlySpan<float> x, int planes, int height, int width, PoolParameters p, bool countIncludePad, int outH, int outW, Span<float> destination)
    {
        Check(x, planes, height, width, outH, outW, destination);
        for (int c = 0; c < planes; c++)
        {
            ReadOnlySpan<float> src = x.Slice(c * height * width, height * width);
            Span<float> dst = destination.Slice(c * outH * outW, outH * outW);
            for (int oy = 0; oy < outH; oy++)
            {
                int ys = (oy * p.StrideH) - p.PadTop;
                int y0 = Math.Max(ys, 0);
                int y1 = Math.Min(ys + p.KernelH, height);
                int padH = Math.Min(ys + p.KernelH, height + p.PadBottom) - ys;
                for (int ox = 0; ox < outW; ox++)
                {
                    int xs = (ox * p.StrideW) - p.PadLeft;
                    int x0 = Math.Max(xs, 0);
                    int x1 = Math.Min(xs + p.KernelW, width);
                    float sum = 0;
                    for (int y = y0; y < y1; y++)
                    {
                        sum += TensorPrimitives.Sum(src.Slice((y * width) + x0, Math.Max(0, x1 - x0)));
                    }

                    int count = countIncludePad ? padH * (Math.Min(xs + p.KernelW, width + p.PadRight) - xs) : Math.Max(0, y1 - y0) * Math.Max(0, x1 - x0);
                    dst[(oy * outW) + ox] = count > 0 ? sum / count : 0f;
                }
            }
        }
    }

    /// <summary>Mean of each plane.</summary>
    public static void GlobalAveragePool(ReadOnlySpan<float> x, int planes, int size, Span<float> destination)
    {
        for (int c = 0; c < planes; c++)
        {
            destination[c] = size == 0 ? 0f : TensorPrimitives.Sum(x.Slice(c * size, size)) / size;
        }
    }

    /// <summary>Maximum of each plane.</summary>
    public static void GlobalMaxPool(ReadOnlySpan<float> x, int planes, int size, Span<float> destination)
    {
        for (int c = 0; c < planes; c++)
        {
            destination[c] = size == 0 ? float.MinValue : TensorPrimitives.Max(x.Slice(c * size, size));
        }
    }

    private static void Check(ReadOnlySpan<float> x, int planes, int height, int width, int outH, int outW, Span<float> destination)
    {
        if (x.Length < (long)planes * height * width || destination.Length < (long)planes * outH * outW)
        {
            ThrowHelper.Argument(nameof(destination), "or the input is too short for the shapes");
        }
    }
}
