using System.Runtime.Intrinsics.X86;

namespace Converters.Engine.Kernels;

/// <summary>A dense K x N matrix: element (p, j) at <c>b[p * ldb + j]</c>, or <c>b[j * ldb + p]</c> when transposed.</summary>
internal readonly unsafe struct DenseSource : IPanelSource
{
    private readonly float* _b;
    private readonly int _ldb;
    private readonly bool _transposed;

    public DenseSource(float* b, int ldb, bool transposed)
    {
        _b = b;
        _ldb = ldb;
        _transposed = transposed;
    }

    public void Pack(int k0, int kc, int n0, int nc, int nr, float* dst)
    {
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - (q * nr));
            float* panel = dst + ((long)q * kc * nr);
            int j0 = n0 + (q * nr);
            if (!_transposed)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = _b + ((long)(k0 + p) * _ldb) + j0;
                    float* d = panel + ((long)p * nr);
                    PanelCopy.Copy(src, d, cols);
                    if (cols < nr)
                    {
                        new Span<float>(d + cols, nr - cols).Clear();
                    }
                }
            }
            else
            {
                if (cols < nr)
                {
                    new Span<float>(panel, kc * nr).Clear();
                }

                int j = 0;
                if (Avx.IsSupported)
                {
                    // 8 x 8 blocks transposed in registers: 8 loads of 8 rows of B along p, 8 stores of 8 columns.
                    for (; j + 8 <= cols; j += 8)
                    {
                        float* src = _b + ((long)(j0 + j) * _ldb) + k0;
                        int p = 0;
                        for (; p + 8 <= kc; p += 8)
                        {
                            PanelCopy.Transpose8x8(src + p, _ldb, panel + ((long)p * nr) + j, nr);
                        }

                        for (; p < kc; p++)
                        {
                            for (int t = 0; t < 8; t++)
                            {
                                panel[(p * nr) + j + t] = src[((long)t * _ldb) + p];
                            }
                        }
                    }
                }

                for (; j < cols; j++)
                {
                    float* src = _b + ((long)(j0 + j) * _ldb) + k0;
                    for (int p = 0; p < kc; p++)
                    {
                        panel[(p * nr) + j] = src[p];
                    }
                }
            }
        }
    }
}

/// <summary>Geometry of a 2-D convolution window over one image.</summary>
internal readonly record struct ConvGeometry(
    int Channels, int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int DilationH, int DilationW, int OutH, int OutW);

/// <summary>
/// The im2col matrix of one image and one group, never materialised: row p = (c, ky, kx), column
/// j = (oy, ox), value x[c, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw] or 0 outside the image.
/// </summary>
internal readonly unsafe struct Im2ColSource : IPanelSource
{
    private readonly float* _x;
    private readonly ConvGeometry _g;

    public Im2ColSource(float* x, ConvGeometry geometry)
    {
        _x = x;
        _g = geometry;
    }

    public void Pack(int k0, int kc, int n0, int nc, int nr, float* dst)
    {
        ConvGeometry g = _g;
        int kk = g.KernelH * g.KernelW;
        int ncPad = Sgemm.RoundUp(nc, nr);
        int shift = System.Numerics.BitOperations.Log2((uint)nr);
        int mask = nr - 1;
        for (int p = 0; p < kc; p++)
        {
            int row = k0 + p;
            int ch = row / kk;
            int rem = row - (ch * kk);
            int ky = rem / g.KernelW;
            int kx = rem - (ky * g.KernelW);
            float* plane = _x + ((long)ch * g.Height * g.Width);
            int oy = n0 / g.OutW;
            int ox = n0 - (oy * g.OutW);
            int col = 0;
            while (col < nc)
            {
                int run = Math.Min(g.OutW - ox, nc - col);
                int iy = (oy * g.StrideH) - g.PadTop + (ky * g.DilationH);
                if ((uint)iy >= (uint)g.Height)
                {
                    for (int t = 0; t < run; t++)
                    {
                        int cc = col + t;
                        dst[((((long)cc >> shift) * kc) + p) * nr + (cc & mask)] = 0f;
                    }
                }
                else
                {
                    float* srcRow = plane + ((long)iy * g.Width);
                    int ix = (ox * g.StrideW) - g.PadLeft + (kx * g.DilationW);
                    if (g.StrideW == 1)
                    {
                        // Contiguous: zeros left of the image, runs copied up to each panel edge, zeros right of it.
                        int tLo = Math.Clamp(-ix, 0, run);
                        int tHi = Math.Clamp(g.Width - ix, tLo, run);
                        for (int t = 0; t < tLo; t++)
                        {
                            int cc = col + t;
                            dst[((((long)cc >> shift) * kc) + p) * nr + (cc & mask)] = 0f;
                        }

                        for (int t = tLo; t < tHi;)
                        {
                            int cc = col + t;
                            int j = cc & mask;
                            int len = Math.Min(tHi - t, nr - j);
                            PanelCopy.Copy(srcRow + ix + t, dst + (((((long)cc >> shift) * kc) + p) * nr) + j, len);
                            t += len;
                        }

                        for (int t = tHi; t < run; t++)
                        {
                            int cc = col + t;
                            dst[((((long)cc >> shift) * kc) + p) * nr + (cc & mask)] = 0f;
                        }
                    }
                    else
                    {
                        for (int t = 0; t < run;)
                        {
                            int cc = col + t;
                            int j = cc & mask;
                            int len = Math.Min(run - t, nr - j);
                            float* d = dst + (((((long)cc >> shift) * kc) + p) * nr) + j;
                            int ixs = ix + (t * g.StrideW);
                            for (int u = 0; u < len; u++, ixs += g.StrideW)
                            {
                                d[u] = (uint)ixs < (uint)g.Width ? srcRow[ixs] : 0f;
                            }

                            t += len;
                        }
                    }
                }

                col += run;
                ox = 0;
                oy++;
            }

            for (int cc = nc; cc < ncPad; cc++)
            {
                dst[((((long)cc >> shift) * kc) + p) * nr + (cc & mask)] = 0f;
            }
        }
    }
}
