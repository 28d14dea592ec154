namespace Converters.Engine.Tests;

/// <summary>
/// Naive scalar references, written plainly from the op definitions with double accumulation.
/// They share no code with the engine.
/// </summary>
internal static class Reference
{
    /// <summary>C = A (m x k) * B (k x n), row-major.</summary>
    public static float[] MatMul(float[] a, float[] b, int m, int n, int k)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[(i * k) + p] * b[(p * n) + j];
                }

                c[(i * n) + j] = (float)s;
            }
        }

        return c;
    }

    /// <summary>Direct convolution, NCHW x OIHW, pads (t, l, b, r).</summary>
    public static float[] Conv(float[] x, int batch, int c, int h, int w, float[] weight, float[]? bias, int o, int kh, int kw,
        int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int group)
    {
        int oh = ((h + pt + pb - ((dh * (kh - 1)) + 1)) / sh) + 1;
        int ow = ((w + pl + pr - ((dw * (kw - 1)) + 1)) / sw) + 1;
        int cg = c / group, og = o / group;
        var y = new float[batch * o * oh * ow];
        for (int b = 0; b < batch; b++)
        {
            for (int oc = 0; oc < o; oc++)
            {
                int g = oc / og;
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double s = bias is null ? 0 : bias[oc];
                        for (int ic = 0; ic < cg; ic++)
                        {
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = (oy * sh) - pt + (ky * dh);
                                    int ix = (ox * sw) - pl + (kx * dw);
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                    {
                                        continue;
                                    }

                                    s += (double)x[(((b * c) + (g * cg) + ic) * h + iy) * w + ix] * weight[(((oc * cg) + ic) * kh + ky) * kw + kx];
                                }
                            }
                        }

                        y[(((b * o) + oc) * oh + oy) * ow + ox] = (float)s;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Transposed convolution by scattering, IOHW weights.</summary>
    public static float[] ConvTranspose(float[] x, int batch, int c, int h, int w, float[] weight, float[]? bias, int o, int kh, int kw,
        int sh, int sw, int pt, int pl, int dh, int dw, int group, int oh, int ow)
    {
        int cg = c / group, og = o / group;
        var acc = new double[batch * o * oh * ow];
        for (int b = 0; b < batch; b++)
        {
            for (int ic = 0; ic < c; ic++)
            {
                int g = ic / cg;
                for (int iy = 0; iy < h; iy++)
                {
                    for (int ix = 0; ix < w; ix++)
                    {
                        double xv = x[(((b * c) + ic) * h + iy) * w + ix];
                        for (int oo = 0; oo < og; oo++)
                        {
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int oy = (iy * sh) - pt + (ky * dh);
                                    int ox = (ix * sw) - pl + (kx * dw);
                                    if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                                    {
                                        continue;
                                    }

                                    acc[(((b * o) + (g * og) + oo) * oh + oy) * ow + ox] += xv * weight[(((ic * og) + oo) * kh + ky) * kw + kx];
                                }
                            }
                        }
                    }
                }
            }
        }

        var y = new float[acc.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int oc = i / (oh * ow) % o;
            y[i] = (float)(acc[i] + (bias is null ? 0 : bias[oc]));
        }

        return y;
    }

    /// <summary>Pooling straight from the definition: the window over the padded image, padding excluded from max.</summary>
    public static float[] Pool(float[] x, int planes, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int oh, int ow, bool max, bool includePad)
    {
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double s = 0;
                    double m = float.MinValue;
                    int valid = 0, padded = 0;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = (oy * sh) - pt + ky, ix = (ox * sw) - pl + kx;
                            if (iy < h + pb && ix < w + pr)
                            {
                                padded++;
                            }

                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                            {
                                continue;
                            }

                            double v = x[((p * h) + iy) * w + ix];
                            s += v;
                            m = Math.Max(m, v);
                            valid++;
                        }
                    }

                    y[((p * oh) + oy) * ow + ox] = (float)(max ? m : s / (includePad ? padded : valid));
                }
            }
        }

        return y;
    }
}
