namespace Converters.Engine.Kernels;

/// <summary>Data-movement kernels: concat/split blocks, slice, transpose, pad, upsample and the space/depth shuffles.</summary>
public static class Layout
{
    /// <summary>
    /// Copies an (outer x count x inner) tensor's [start, start + len) range along the middle axis into
    /// an (outer x destCount x inner) tensor at <paramref name="destStart"/>: the core of Concat and Split.
    /// </summary>
    public static void CopyAxisRange(ReadOnlySpan<float> source, int outer, int count, int start, int length, int inner, int destCount, int destStart, Span<float> destination)
    {
        int block = length * inner;
        for (int o = 0; o < outer; o++)
        {
            source.Slice(((o * count) + start) * inner, block).CopyTo(destination.Slice(((o * destCount) + destStart) * inner, block));
        }
    }

    /// <summary>Strided slice: output index i along each axis reads input index starts[d] + i * steps[d].</summary>
    public static void Slice(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> starts, ReadOnlySpan<int> steps, ReadOnlySpan<int> outShape, Span<float> destination)
    {
        int rank = shape.Length;
        Span<long> strides = stackalloc long[rank];
        RowMajorStrides(shape, strides);
        int last = rank == 0 ? 1 : outShape[rank - 1];
        long total = Product(outShape);
        if (total == 0)
        {
            return;
        }

        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        long rows = total / last;
        for (long r = 0; r < rows; r++)
        {
            long off = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                off += (starts[d] + ((long)idx[d] * steps[d])) * strides[d];
            }

            Span<float> dst = destination.Slice((int)(r * last), last);
            if (rank == 0)
            {
                dst[0] = x[0];
            }
            else
            {
                long s0 = off + starts[rank - 1];
                int step = steps[rank - 1];
                if (step == 1)
                {
                    x.Slice((int)s0, last).CopyTo(dst);
                }
                else
                {
                    for (int i = 0; i < last; i++)
                    {
                        dst[i] = x[(int)(s0 + ((long)i * step))];
                    }
                }
            }

            Advance(idx, outShape, rank - 1);
        }
    }

    /// <summary>Transpose: output axis i is input axis perm[i].</summary>
    public static void Transpose(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> destination)
    {
        int rank = shape.Length;
        Span<long> inStrides = stackalloc long[rank];
        RowMajorStrides(shape, inStrides);
        Span<int> outShape = stackalloc int[rank];
        Span<long> strides = stackalloc long[rank];
        for (int i = 0; i < rank; i++)
        {
            outShape[i] = shape[perm[i]];
            strides[i] = inStrides[perm[i]];
        }

        long total = Product(outShape);
        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        idx.Clear();
        for (long o = 0; o < total; o++)
        {
            long off = 0;
            for (int d = 0; d < rank; d++)
            {
                off += idx[d] * strides[d];
            }

            destination[(int)o] = x[(int)off];
            Advance(idx, outShape, rank);
        }
    }

    /// <summary>Pad with mode 0 constant, 1 reflect (no edge repeat), 2 edge; pads are begins then ends.</summary>
    public static void Pad(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> pads, int mode, float value, Span<float> destination)
    {
        int rank = shape.Length;
        Span<int> outShape = stackalloc int[rank];
        for (int d = 0; d < rank; d++)
        {
            outShape[d] = shape[d] + pads[d] + pads[d + rank];
        }

        Span<long> strides = stackalloc long[rank];
        RowMajorStrides(shape, strides);
        long total = Product(outShape);
        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        idx.Clear();
        for (long o = 0; o < total; o++)
        {
            long off = 0;
            bool inside = true;
            for (int d = 0; d < rank; d++)
            {
                int i = idx[d] - pads[d];
                int n = shape[d];
                if (i < 0 || i >= n)
                {
                    if (mode == 0 || n == 0)
                    {
                        inside = false;
                        break;
                    }

                    i = mode == 2 ? Math.Clamp(i, 0, n - 1) : Reflect(i, n);
                }

                off += i * strides[d];
            }

            destination[(int)o] = inside ? x[(int)off] : value;
            Advance(idx, outShape, rank);
        }
    }

    private static int Reflect(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        int period = 2 * (n - 1);
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i < n ? i : period - i;
    }

    /// <summary>Nearest-neighbour upsampling by integer factors: out[y, x] = in[y / sh, x / sw].</summary>
    public static void Upsample(ReadOnlySpan<float> x, int planes, int height, int width, int scaleH, int scaleW, Span<float> destination)
    {
        int ow = width * scaleW;
        for (int c = 0; c < planes; c++)
        {
            ReadOnlySpan<float> src = x.Slice(c * height * width, height * width);
            Span<float> dst = destination.Slice(c * height * scaleH * ow, height * scaleH * ow);
            for (int y = 0; y < height; y++)
            {
                Span<float> first = dst.Slice(y * scaleH * ow, ow);
                ReadOnlySpan<float> row = src.Slice(y * width, width);
                for (int xx = 0; xx < width; xx++)
                {
                    first.Slice(xx * scaleW, scaleW).Fill(row[xx]);
                }

                for (int r = 1; r < scaleH; r++)
                {
                    first.CopyTo(dst.Slice(((y * scaleH) + r) * ow, ow));
                }
            }
        }
    }

    /// <summary>
    /// Darknet [reorg] (pjreddie <c>reorg_cpu</c>) for one batch item of C x H x W, stride s.
    /// Forward (reverse = 0, forward=0 in reorg_cpu): with out_c = C / s^2, output element
    /// (k, j, i) of a C x H x W view is input element (k % out_c, j*s + (k / out_c) / s, i*s + (k / out_c) % s)
    /// of a (C/s^2) x (H*s) x (W*s) view of the input; the result is then read as C*s^2 x H/s x W/s.
    /// Reverse (reverse = 1, forward=1): the input read as C x H x W scatters to the same formula in
    /// a (C/s^2) x (H*s) x (W*s) output.
    /// </summary>
    public static void Reorg(ReadOnlySpan<float> x, int batch, int channels, int height, int width, int stride, bool reverse, Span<float> destination)
    {
        int outC = channels / (stride * stride);
        int size = channels * height * width;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> src = x.Slice(b * size, size);
            Span<float> dst = destination.Slice(b * size, size);
            for (int k = 0; k < channels; k++)
            {
                int c2 = k % outC;
                int offset = k / outC;
                for (int j = 0; j < height; j++)
                {
                    int h2 = (j * stride) + (offset / stride);
                    for (int i = 0; i < width; i++)
                    {
                        int w2 = (i * stride) + (offset % stride);
                        int inIndex = i + (width * (j + (height * k)));
                        int outIndex = w2 + (width * stride * (h2 + (height * stride * c2)));
                        if (reverse)
                        {
                            dst[outIndex] = src[inIndex];
                        }
                        else
                        {
                            dst[inIndex] = src[outIndex];
                        }
                    }
                }
            }
        }
    }

    /// <summary>TF SpaceToDepth (NCHW): out[n, (by*b + bx)*C + c, y, x] = in[n, c, y*b + by, x*b + bx].</summary>
    public static void SpaceToDepth(ReadOnlySpan<float> x, int batch, int channels, int height, int width, int block, Span<float> destination)
    {
        int oh = height / block, ow = width / block;
        for (int n = 0; n < batch; n++)
        {
            for (int by = 0; by < block; by++)
            {
                for (int bx = 0; bx < block; bx++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int oc = (((by * block) + bx) * channels) + c;
                        for (int y = 0; y < oh; y++)
                        {
                            for (int xx = 0; xx < ow; xx++)
                            {
                                destination[(((((n * channels * block * block) + oc) * oh) + y) * ow) + xx] =
                                    x[(((((n * channels) + c) * height) + (y * block) + by) * width) + (xx * block) + bx];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// DepthToSpace (NCHW), C' = C / b^2: DCR reads channel (by*b + bx)*C' + c, CRD reads c*b^2 + by*b + bx;
    /// out[n, c, y*b + by, x*b + bx] = in[n, that channel, y, x].
    /// </summary>
    public static void DepthToSpace(ReadOnlySpan<float> x, int batch, int channels, int height, int width, int block, bool crd, Span<float> destination)
    {
        int oc = channels / (block * block);
        int oh = height * block, ow = width * block;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < oc; c++)
            {
                for (int y = 0; y < oh; y++)
                {
                    int by = y % block;
                    for (int xx = 0; xx < ow; xx++)
                    {
                        int bx = xx % block;
                        int ic = crd ? (c * block * block) + (by * block) + bx : (((by * block) + bx) * oc) + c;
                        destination[(((((n * oc) + c) * oh) + y) * ow) + xx] = x[(((((n * channels) + ic) * height) + (y / block)) * width) + (xx / block)];
                    }
                }
            }
        }
    }

    internal static void RowMajorStrides(ReadOnlySpan<int> shape, Span<long> strides)
    {
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= shape[d];
        }
    }

    internal static long Product(ReadOnlySpan<int> shape)
    {
        long p = 1;
        foreach (int d in shape)
        {
            p *= d;
        }

        return p;
    }

    private static void Advance(Span<int> idx, ReadOnlySpan<int> shape, int count)
    {
        for (int d = count - 1; d >= 0; d--)
        {
            if (++idx[d] < shape[d])
            {
                return;
            }

            idx[d] = 0;
        }
    }
}
