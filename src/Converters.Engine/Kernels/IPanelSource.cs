namespace Converters.Engine.Kernels;

/// <summary>
/// The right-hand operand of <see cref="Sgemm"/>, a K x N matrix that is never materialised as such:
/// it packs a block of itself straight into the micro-kernel's panel layout (dense rows, or im2col
/// of an image, which makes the convolution an implicit GEMM).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Writes rows [k0, k0+kc) and columns [n0, n0+nc) as ceil(nc / nr) panels, each kc rows of
    /// <paramref name="nr"/> floats (row p of panel q at <c>dst[(q * kc + p) * nr]</c>), zero-padding
    /// the last panel's missing columns.
    /// </summary>
    void Pack(int k0, int kc, int n0, int nc, int nr, float* dst);
}
