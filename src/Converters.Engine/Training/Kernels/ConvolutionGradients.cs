using Converters.Engine.Kernels;

namespace Converters.Engine.Training.Kernels;

/// <summary>The im2col matrix of one image and group materialised, and its adjoint col2im.</summary>
internal static class ConvolutionGradients
{
    /// <summary>
    /// Writes the (C·KH·KW) x (OH·OW) im2col matrix of <paramref name="x"/> (C x H x W): row
    /// (c, ky, kx), column (oy, ox) holds x[c, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw], 0 outside the image.
    /// </summary>
    public static unsafe void Im2Col(ReadOnlySpan<float> x, in ConvGeometry g, Span<float> col)
    {
        int n = g.OutH * g.OutW;
        if (col.Length < (long)g.Channels * g.KernelH * g.KernelW * n || x.Length < (long)g.Channels * g.Height * g.Width)
        {
            throw new ArgumentException("x or col is too short for the geometry");
        }

        fixed (float* px = x)
        fixed (float* pcol = col)
        {
            float* dst = pcol;
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = px + ((long)c * g.Height * g.Width);
                for (int ky = 0; ky < g.KernelH; ky++)
                {
                    for (int kx = 0; kx < g.KernelW; kx++, dst += n)
                    {
                        int offX = (kx * g.DilationW) - g.PadLeft;
                        (int lo, int hi) = ValidColumns(g, offX);
                        for (int oy = 0; oy < g.OutH; oy++)
                        {
                            float* drow = dst + ((long)oy * g.OutW);
                            int iy = (oy * g.StrideH) - g.PadTop + (ky * g.DilationH);
                            if ((uint)iy >= (uint)g.Height || hi <= lo)
                            {
                                new Span<float>(drow, g.OutW).Clear();
                                continue;
                            }

                            float* srow = plane + ((long)iy * g.Width);
                            for (int ox = 0; ox < lo; ox++)
                            {
                                drow[ox] = 0f;
                            }

                            for (int ox = hi; ox < g.OutW; ox++)
                            {
                                drow[ox] = 0f;
                            }

                            if (g.StrideW == 1)
                            {
                                PanelCopy.Copy(srow + lo + offX, drow + lo, hi - lo);
                            }
                            else
                            {
                                for (int ox = lo, ix = (lo * g.StrideW) + offX; ox < hi; ox++, ix += g.StrideW)
                                {
                                    drow[ox] = srow[ix];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds every entry of <paramref name="col"/> into the pixel of <paramref name="dx"/> it was read from.</summary>
    public static void Col2ImAdd(ReadOnlySpan<float> col, in ConvGeometry g, Span<float> dx)
    {
        int n = g.OutH * g.OutW;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            Span<float> plane = dx.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                for (int kx = 0; kx < g.KernelW; kx++, row++)
                {
                    ReadOnlySpan<float> src = col.Slice(row * n, n);
                    int offX = (kx * g.DilationW) - g.PadLeft;
                    (int lo, int hi) = ValidColumns(g, offX);
                    if (hi <= lo)
                    {
                        continue;
                    }

                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        int iy = (oy * g.StrideH) - g.PadTop + (ky * g.DilationH);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            continue;
                        }

                        Span<float> drow = plane.Slice(iy * g.Width, g.Width);
                        ReadOnlySpan<float> srow = src.Slice(oy * g.OutW, g.OutW);
                        if (g.StrideW == 1)
                        {
                            Span<float> target = drow.Slice(lo + offX, hi - lo);
                            System.Numerics.Tensors.TensorPrimitives.Add(target, srow[lo..hi], target);
                        }
                        else
                        {
                            for (int ox = lo, ix = (lo * g.StrideW) + offX; ox < hi; ox++, ix += g.StrideW)
                            {
                                drow[ix] += srow[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output columns [lo, hi) whose input column ox·sw + offX lies inside the image.</summary>
    private static (int Lo, int Hi) ValidColumns(in ConvGeometry g, int offX)
    {
        int lo = offX >= 0 ? 0 : (-offX + g.StrideW - 1) / g.StrideW;
        int hi = g.Width - offX <= 0 ? 0 : Math.Min(g.OutW, ((g.Width - 1 - offX) / g.StrideW) + 1);
        return (Math.Min(lo, g.OutW), Math.Max(Math.Min(lo, g.OutW), hi));
    }
}
