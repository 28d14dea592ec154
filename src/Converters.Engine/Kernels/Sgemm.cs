using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Converters.Engine.Kernels;

/// <summary>
/// Single-precision GEMM, <c>C (M x N) = A (M x K) * B (K x N)</c> (row-major C with leading
/// dimension ldc), blocked and packed in the Goto/BLIS style:
/// <list type="bullet">
/// <item>A (the weights) is packed once into K-blocks of <see cref="KC"/> rows, each split into
/// panels of <see cref="MR"/> rows stored column by column (<see cref="PackA"/>);</item>
/// <item>B is packed per task into panels of <see cref="NR"/> columns by an <see cref="IPanelSource"/>
/// (dense rows or im2col);</item>
/// <item>an MR x NR register-tiled micro-kernel keeps MR x NR/width independent FMA accumulators:
/// 8 x 32 (16 zmm) for Vector512, 6 x 16 (12 ymm) for Vector256, 6 x 8 (12 xmm) for Vector128, and a
/// 4 x 4 scalar kernel.</item>
/// </list>
/// Threading: the N axis is cut into column chunks (a multiple of the thread count when N is large);
/// when there are fewer chunks than threads, the M panels are split too. Each task packs its own B
/// block, so tasks share nothing but the read-only packed A and disjoint tiles of C.
/// </summary>
internal static unsafe class Sgemm
{
    /// <summary>Rows of A per K block.</summary>
    public const int KC = 256;

    /// <summary>Largest column chunk of B packed by one task.</summary>
    public const int MaxNC = 512;

    /// <summary>The tier the micro-kernel was chosen for.</summary>
    public static readonly SimdTier Tier = SimdTiers.Current;

    /// <summary>Rows of the micro-tile.</summary>
    public static readonly int MR = Tier switch { SimdTier.Vector512 => 8, SimdTier.Vector256 => 6, SimdTier.Vector128 => 6, _ => 4 };

    /// <summary>Columns of the micro-tile.</summary>
    public static readonly int NR = Tier switch { SimdTier.Vector512 => 32, SimdTier.Vector256 => 16, SimdTier.Vector128 => 8, _ => 4 };

    /// <summary>The length of packed A for an M x K matrix.</summary>
    public static int PackedASize(int m, int k) => checked(RoundUp(m, MR) * k);

    /// <summary>
    /// Packs A (element (i, p) at <c>a[i * lda + p]</c>, or <c>a[p * lda + i]</c> when
    /// <paramref name="transA"/>) into <paramref name="destination"/> of <see cref="PackedASize"/>.
    /// </summary>
    public static void PackA(ReadOnlySpan<float> a, int lda, bool transA, int m, int k, Span<float> destination)
    {
        int mPad = RoundUp(m, MR);
        if (destination.Length < (long)mPad * k)
        {
            ThrowHelper.Argument(nameof(destination), "is shorter than PackedASize(m, k)");
        }

        int o = 0;
        for (int k0 = 0; k0 < k; k0 += KC)
        {
            int kc = Math.Min(KC, k - k0);
            for (int i0 = 0; i0 < mPad; i0 += MR)
            {
                int p0 = k0;
                if (MR == 8 && i0 + 8 <= m && Avx.IsSupported)
                {
                    // A full panel: 8 x 8 register transposes (or straight rows when A is transposed).
                    fixed (float* pa = a)
                    fixed (float* pd = destination)
                    {
                        for (; p0 + 8 <= k0 + kc; p0 += 8, o += 64)
                        {
                            if (transA)
                            {
                                for (int q = 0; q < 8; q++)
                                {
                                    PanelCopy.Copy(pa + ((long)(p0 + q) * lda) + i0, pd + o + (q * 8), 8);
                                }
                            }
                            else
                            {
                                PanelCopy.Transpose8x8(pa + ((long)i0 * lda) + p0, lda, pd + o, 8);
                            }
                        }
                    }
                }

                for (int p = p0; p < k0 + kc; p++)
                {
                    for (int r = 0; r < MR; r++)
                    {
                        int i = i0 + r;
                        destination[o++] = i >= m ? 0f : transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    }
                }
            }
        }
    }

    /// <summary>
    /// C = packedA * B (or C += when <paramref name="accumulate"/>), using up to
    /// <paramref name="maxThreads"/> threads. <paramref name="c"/> must hold M rows of ldc.
    /// </summary>
    public static void Multiply<TSource>(ReadOnlySpan<float> packedA, int m, int n, int k, TSource b, Span<float> c, int ldc, bool accumulate, int maxThreads)
        where TSource : struct, IPanelSource => Multiply(packedA, m, n, k, b, c, ldc, accumulate, maxThreads, float.NaN);

    /// <summary>
    /// As above, then y = y &gt; 0 ? y : <paramref name="activationAlpha"/> * y on each finished block of C
    /// while it is still in cache (NaN: no activation; 0: Relu).
    /// </summary>
    public static void Multiply<TSource>(ReadOnlySpan<float> packedA, int m, int n, int k, TSource b, Span<float> c, int ldc, bool accumulate, int maxThreads, float activationAlpha)
        where TSource : struct, IPanelSource
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (packedA.Length < PackedASize(m, k) || ldc < n || c.Length < ((long)(m - 1) * ldc) + n)
        {
            ThrowHelper.Argument(nameof(c), "packed A or C is too short for the given M, N, K");
        }

        if (k == 0)
        {
            for (int i = 0; i < m; i++)
            {
                Span<float> row = c.Slice(i * ldc, n);
                if (!accumulate)
                {
                    row.Clear();
                }

                if (!float.IsNaN(activationAlpha))
                {
                    Activations.LeakyRelu(row, activationAlpha, row);
                }
            }

            return;
        }

        int threads = Math.Max(1, Math.Min(maxThreads, Environment.ProcessorCount));
        if ((long)m * n * k < 128L * 128 * 64)
        {
            threads = 1;
        }

        int nr = NR;
        int chunks = (n + MaxNC - 1) / MaxNC;
        if (chunks > 1 && threads > 1)
        {
            chunks = RoundUp(chunks, threads);
        }

        int nc = RoundUp((n + chunks - 1) / chunks, nr);
        chunks = (n + nc - 1) / nc;
        int mPanels = (m + MR - 1) / MR;
        int mSplit = chunks >= threads ? 1 : Math.Min(mPanels, (threads + chunks - 1) / chunks);
        int tasks = chunks * mSplit;

        fixed (float* pa = packedA)
        fixed (float* pc = c)
        {
            var job = new Job<TSource>(pa, pc, m, n, k, ldc, accumulate, b, nc, mSplit, mPanels, activationAlpha);
            if (tasks == 1 || threads == 1)
            {
                for (int t = 0; t < tasks; t++)
                {
                    job.RunTask(t);
                }
            }
            else
            {
                Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, job.RunTask);
            }
        }
    }

    private sealed class Job<TSource>
        where TSource : struct, IPanelSource
    {
        private readonly nint _a;
        private readonly nint _c;
        private readonly int _m;
        private readonly int _n;
        private readonly int _k;
        private readonly int _ldc;
        private readonly bool _accumulate;
        private readonly TSource _b;
        private readonly int _nc;
        private readonly int _mSplit;
        private readonly int _mPanels;
        private readonly float _alpha;

        public Job(float* a, float* c, int m, int n, int k, int ldc, bool accumulate, TSource b, int nc, int mSplit, int mPanels, float alpha)
        {
            _alpha = alpha;
            _a = (nint)a;
            _c = (nint)c;
            _m = m;
            _n = n;
            _k = k;
            _ldc = ldc;
            _accumulate = accumulate;
            _b = b;
            _nc = nc;
            _mSplit = mSplit;
            _mPanels = mPanels;
        }

        public void RunTask(int task)
        {
            int mr = MR;
            int nr = NR;
            int chunk = task / _mSplit;
            int part = task % _mSplit;
            int n0 = chunk * _nc;
            int nc = Math.Min(_nc, _n - n0);
            int panelsPerPart = (_mPanels + _mSplit - 1) / _mSplit;
            int mp0 = part * panelsPerPart;
            int mp1 = Math.Min(_mPanels, mp0 + panelsPerPart);
            int mPad = _mPanels * mr;
            int ncPad = RoundUp(nc, nr);
            float[] scratch = ArrayPool<float>.Shared.Rent(KC * ncPad);
            float* tile = stackalloc float[8 * 32];
            try
            {
                fixed (float* pb = scratch)
                {
                    for (int k0 = 0; k0 < _k; k0 += KC)
                    {
                        int kc = Math.Min(KC, _k - k0);
                        _b.Pack(k0, kc, n0, nc, nr, pb);
                        bool add = _accumulate || k0 > 0;
                        float* blockA = (float*)_a + ((long)k0 * mPad);
                        for (int mp = mp0; mp < mp1; mp++)
                        {
                            int i0 = mp * mr;
                            int rows = Math.Min(mr, _m - i0);
                            float* panelA = blockA + ((long)mp * mr * kc);
                            for (int q = 0; q * nr < nc; q++)
                            {
                                int cols = Math.Min(nr, nc - (q * nr));
                                float* panelB = pb + ((long)q * kc * nr);
                                float* dst = (float*)_c + ((long)i0 * _ldc) + n0 + (q * nr);
                                if (rows == mr && cols == nr)
                                {
                                    MicroKernel(kc, panelA, panelB, dst, _ldc, add);
                                }
                                else
                                {
                                    MicroKernel(kc, panelA, panelB, tile, nr, false);
                                    for (int r = 0; r < rows; r++)
                                    {
                                        float* cr = dst + ((long)r * _ldc);
                                        float* tr = tile + (r * nr);
                                        for (int j = 0; j < cols; j++)
                                        {
                                            cr[j] = add ? cr[j] + tr[j] : tr[j];
                                        }
                                    }
                                }
                            }

                            if (k0 + kc == _k && !float.IsNaN(_alpha))
                            {
                                for (int r = 0; r < rows; r++)
                                {
                                    var row = new Span<float>((float*)_c + ((long)(i0 + r) * _ldc) + n0, nc);
                                    Activations.LeakyRelu(row, _alpha, row);
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        switch (Tier)
        {
            case SimdTier.Vector512:
                Kernel512(kc, a, b, c, ldc, add);
                break;
            case SimdTier.Vector256:
                Kernel256(kc, a, b, c, ldc, add);
                break;
            case SimdTier.Vector128:
                Kernel128(kc, a, b, c, ldc, add);
                break;
            default:
                KernelScalar(kc, a, b, c, ldc, add);
                break;
        }
    }

    /// <summary>8 x 32 tile: 16 zmm accumulators, two B vectors and one broadcast per step.</summary>
    private static void Kernel512(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += 8;
            b += 32;
        }

        Store512(c, c00, c01, add);
        Store512(c + ldc, c10, c11, add);
        Store512(c + (2 * ldc), c20, c21, add);
        Store512(c + (3 * ldc), c30, c31, add);
        Store512(c + (4 * ldc), c40, c41, add);
        Store512(c + (5 * ldc), c50, c51, add);
        Store512(c + (6 * ldc), c60, c61, add);
        Store512(c + (7 * ldc), c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }

        v0.Store(c);
        v1.Store(c + 16);
    }

    /// <summary>6 x 16 tile: 12 ymm accumulators (fits the 16 registers of AVX2).</summary>
    private static void Kernel256(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += 6;
            b += 16;
        }

        Store256(c, c00, c01, add);
        Store256(c + ldc, c10, c11, add);
        Store256(c + (2 * ldc), c20, c21, add);
        Store256(c + (3 * ldc), c30, c31, add);
        Store256(c + (4 * ldc), c40, c41, add);
        Store256(c + (5 * ldc), c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }

        v0.Store(c);
        v1.Store(c + 8);
    }

    /// <summary>6 x 8 tile: 12 xmm accumulators.</summary>
    private static void Kernel128(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(av, b1, c01);
            av = Vector128.Create(a[1]);
            c10 = Vector128.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(av, b1, c11);
            av = Vector128.Create(a[2]);
            c20 = Vector128.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(av, b1, c21);
            av = Vector128.Create(a[3]);
            c30 = Vector128.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(av, b1, c31);
            av = Vector128.Create(a[4]);
            c40 = Vector128.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector128.FusedMultiplyAdd(av, b1, c41);
            av = Vector128.Create(a[5]);
            c50 = Vector128.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector128.FusedMultiplyAdd(av, b1, c51);
            a += 6;
            b += 8;
        }

        Store128(c, c00, c01, add);
        Store128(c + ldc, c10, c11, add);
        Store128(c + (2 * ldc), c20, c21, add);
        Store128(c + (3 * ldc), c30, c31, add);
        Store128(c + (4 * ldc), c40, c41, add);
        Store128(c + (5 * ldc), c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(float* c, Vector128<float> v0, Vector128<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector128.Load(c);
            v1 += Vector128.Load(c + 4);
        }

        v0.Store(c);
        v1.Store(c + 4);
    }

    /// <summary>4 x 4 scalar tile with 16 independent accumulators.</summary>
    private static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                float ar = a[r];
                acc[(r * 4) + 0] = MathF.FusedMultiplyAdd(ar, b[0], acc[(r * 4) + 0]);
                acc[(r * 4) + 1] = MathF.FusedMultiplyAdd(ar, b[1], acc[(r * 4) + 1]);
                acc[(r * 4) + 2] = MathF.FusedMultiplyAdd(ar, b[2], acc[(r * 4) + 2]);
                acc[(r * 4) + 3] = MathF.FusedMultiplyAdd(ar, b[3], acc[(r * 4) + 3]);
            }

            a += 4;
            b += 4;
        }

        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < 4; j++)
            {
                float* d = c + ((long)r * ldc) + j;
                *d = add ? *d + acc[(r * 4) + j] : acc[(r * 4) + j];
            }
        }
    }

    internal static int RoundUp(int value, int multiple) => checked((value + multiple - 1) / multiple * multiple);
}
