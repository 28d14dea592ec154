using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Converters.Engine.Kernels;

/// <summary>
/// The moves packing is made of: short copies (runs of at most a panel's width, 4 to 32 floats) as
/// inline vector moves, and 8 x 8 transposes in registers. The short copies that packing B panels is made of (runs of at most a panel's width, 4 to 32
/// floats): inline vector moves, because a call to a general memory copy per run costs more than the
/// FMAs the copied values feed when the GEMM has few rows (a convolution with 32 filters).
/// </summary>
internal static unsafe class PanelCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* source, float* destination, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector256.Store(Vector256.Load(source + i), destination + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= count; i += 4)
            {
                Vector128.Store(Vector128.Load(source + i), destination + i);
            }
        }

        for (; i < count; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Writes the transpose of the 8 x 8 block at <paramref name="src"/> (rows <paramref name="ldSrc"/> apart) to <paramref name="dst"/> (rows <paramref name="ldDst"/> apart).</summary>
    public static void Transpose8x8(float* src, int ldSrc, float* dst, int ldDst)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ldSrc);
        Vector256<float> r2 = Avx.LoadVector256(src + (2L * ldSrc));
        Vector256<float> r3 = Avx.LoadVector256(src + (3L * ldSrc));
        Vector256<float> r4 = Avx.LoadVector256(src + (4L * ldSrc));
        Vector256<float> r5 = Avx.LoadVector256(src + (5L * ldSrc));
        Vector256<float> r6 = Avx.LoadVector256(src + (6L * ldSrc));
        Vector256<float> r7 = Avx.LoadVector256(src + (7L * ldSrc));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldDst, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + (2L * ldDst), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + (3L * ldDst), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + (4L * ldDst), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + (5L * ldDst), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + (6L * ldDst), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + (7L * ldDst), Avx.Permute2x128(u3, u7, 0x31));
    }
}
