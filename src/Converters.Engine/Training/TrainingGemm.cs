using Converters.Engine.Kernels;

namespace Converters.Engine.Training;

/// <summary>Dense matrix products for training, on the engine's packed SGEMM.</summary>
internal static unsafe class TrainingGemm
{
    /// <summary>The scratch <see cref="Multiply"/> needs for an M x K left operand.</summary>
    public static int ScratchSize(int m, int k) => Sgemm.PackedASize(m, k);

    /// <summary>
    /// C (M x N, leading dimension ldc) = op(A) (M x K) x op(B) (K x N), or += when
    /// <paramref name="accumulate"/>. op(A) element (i, p) is <c>a[i * lda + p]</c>, or <c>a[p * lda + i]</c>
    /// when <paramref name="transA"/>; op(B) element (p, j) is <c>b[p * ldb + j]</c>, or <c>b[j * ldb + p]</c>
    /// when <paramref name="transB"/>. <paramref name="scratch"/> holds at least <see cref="ScratchSize"/>(M, K).
    /// </summary>
    public static void Multiply(
        ReadOnlySpan<float> a, int lda, bool transA, ReadOnlySpan<float> b, int ldb, bool transB,
        Span<float> c, int ldc, int m, int n, int k, bool accumulate, int threads, Span<float> scratch)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        Sgemm.PackA(a, lda, transA, m, k, scratch);
        fixed (float* pb = b)
        {
            Sgemm.Multiply<DenseSource>(scratch, m, n, k, new DenseSource(pb, ldb, transB), c, ldc, accumulate, threads);
        }
    }
}
