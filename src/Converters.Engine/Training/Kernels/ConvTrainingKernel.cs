using System.Numerics.Tensors;
using Converters.Engine.Execution;
using Converters.Engine.Kernels;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Conv in training (NCHW, OIHW weights, groups, stride, dilation, asymmetric pads). Per image and
/// group, with K = C/g·KH·KW and N = OH·OW:
/// <list type="bullet">
/// <item>forward: Y = W · im2col(X) on the packed SGEMM (im2col never materialised);</item>
/// <item>dW += dY · im2col(X)ᵀ (im2col materialised once per image and group);</item>
/// <item>dX += col2im(Wᵀ · dY); with stride 1, dX += W' · im2col(dY) instead, W' the transposed,
/// spatially flipped filters (a correlation of dY, padded d(k−1) − p), and for 1x1/stride 1/unpadded
/// kernels Wᵀ · dY adds straight into dX;</item>
/// <item>dB += Σ dY over the pixels.</item>
/// </list>
/// The batch is split into one fixed chunk of images per thread; each chunk accumulates its own dW
/// and dB, reduced in chunk order, so results depend only on the seed and the thread count.
/// </summary>
internal sealed unsafe class ConvTrainingKernel : TrainingKernel
{
    private readonly ConvGeometry _g;
    private readonly int _group;
    private readonly int _inChannels;
    private readonly int _outChannels;
    private readonly int _og;
    private readonly int _kg;
    private readonly int _n;
    private readonly int _inSize;
    private readonly int _outSize;
    private readonly bool _pointwise;
    private readonly bool _hasBias;
    private readonly int _chunks;
    private readonly float[] _packedW;
    private readonly float[] _packedWt;
    private readonly bool _dxByConvolution;
    private readonly ConvGeometry _dxGeometry;
    private readonly float[] _flipped;
    private readonly Chunk[] _scratch;

    public ConvTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape xs = c.InputShape(0), ws = c.InputShape(1), ys = c.OutputShape(0);
        if (xs.Rank != 4)
        {
            throw c.Fail($"training supports 2-D convolutions (NCHW input), got input shape {xs}");
        }

        var strides = c.Ints("strides");
        var dilations = c.Ints("dilations");
        (int t, int l, _, _) = KernelFactory.Pads4(c.Inference);
        _group = (int)c.Int("group");
        _inChannels = xs[1];
        _outChannels = ws[0];
        int cg = _inChannels / _group;
        _og = _outChannels / _group;
        _kg = cg * ws[2] * ws[3];
        _g = new ConvGeometry(cg, xs[2], xs[3], ws[2], ws[3], (int)strides[0], (int)strides[1], t, l, (int)dilations[0], (int)dilations[1], ys[2], ys[3]);
        _n = ys[2] * ys[3];
        _inSize = xs[1] * xs[2] * xs[3];
        _outSize = ys[1] * _n;
        _pointwise = ws[2] == 1 && ws[3] == 1 && _g.StrideH == 1 && _g.StrideW == 1 && t == 0 && l == 0 && ys[2] == xs[2] && ys[3] == xs[3];
        _hasBias = c.HasInput(2);
        _chunks = Math.Max(1, Math.Min(c.MaxThreads, c.Batch));
        int perGroup = Sgemm.PackedASize(_og, _kg);
        _packedW = new float[(long)perGroup * _group];
        // With stride 1, dX is the correlation of dY with the spatially flipped, transposed filters
        // (padding d(k-1) - p): the forward's implicit-im2col GEMM straight into dX, no col2im.
        _dxByConvolution = !_pointwise && _g.StrideH == 1 && _g.StrideW == 1
            && (_g.DilationH * (ws[2] - 1)) - t >= 0 && (_g.DilationW * (ws[3] - 1)) - l >= 0;
        _dxGeometry = new ConvGeometry(_og, ys[2], ys[3], ws[2], ws[3], 1, 1, (_g.DilationH * (ws[2] - 1)) - t, (_g.DilationW * (ws[3] - 1)) - l, _g.DilationH, _g.DilationW, xs[2], xs[3]);
        _flipped = c.NeedsGradient(0) && _dxByConvolution ? new float[(long)_outChannels * _kg] : [];
        _packedWt = !c.NeedsGradient(0) ? []
            : _dxByConvolution ? new float[(long)Sgemm.PackedASize(cg, _og * ws[2] * ws[3]) * _group]
            : new float[(long)Sgemm.PackedASize(_kg, _og) * _group];
        int weightCount = _outChannels * _kg;
        _scratch = new Chunk[_chunks];
        for (int i = 0; i < _chunks; i++)
        {
            _scratch[i] = new Chunk(
                col: (c.NeedsGradient(1) || (c.NeedsGradient(0) && !_dxByConvolution)) && !_pointwise ? new float[(long)_kg * _n] : [],
                packedDy: c.NeedsGradient(1) ? new float[Sgemm.PackedASize(_og, _n)] : [],
                dw: c.NeedsGradient(1) ? new float[weightCount] : [],
                db: _hasBias && c.NeedsGradient(2) ? new float[_outChannels] : []);
        }
    }

    public override void Forward(TrainingState state)
    {
        float[] w = state.Values[InputIds[1]];
        int perGroup = _packedW.Length / _group;
        for (int g = 0; g < _group; g++)
        {
            Sgemm.PackA(w.AsSpan(g * _og * _kg, _og * _kg), _kg, false, _og, _kg, _packedW.AsSpan(g * perGroup, perGroup));
        }

        ForEachChunk(state, (chunk, first, count, threads) => ForwardImages(state, first, count, threads));
    }

    public override void Backward(TrainingState state)
    {
        float[] w = state.Values[InputIds[1]];
        float[]? dx = InputGradient(state, InputIds[0]);
        float[]? dw = InputGradient(state, InputIds[1]);
        float[]? db = _hasBias ? InputGradient(state, InputIds[2]) : null;
        if (dx is not null)
        {
            int perGroup = _packedWt.Length / _group;
            int kk = _g.KernelH * _g.KernelW;
            int cg = _g.Channels;
            for (int g = 0; g < _group; g++)
            {
                Span<float> packed = _packedWt.AsSpan(g * perGroup, perGroup);
                ReadOnlySpan<float> wg = w.AsSpan(g * _og * _kg, _og * _kg);
                if (_dxByConvolution)
                {
                    // W' (cg x og·kh·kw): W'[c, (o, ky, kx)] = W[o, c, kh-1-ky, kw-1-kx].
                    Span<float> flipped = _flipped.AsSpan(g * _og * _kg, _og * _kg);
                    for (int c = 0; c < cg; c++)
                    {
                        for (int o = 0; o < _og; o++)
                        {
                            ReadOnlySpan<float> source = wg.Slice((o * _kg) + (c * kk), kk);
                            Span<float> target = flipped.Slice((c * _og * kk) + (o * kk), kk);
                            for (int i = 0; i < kk; i++)
                            {
                                target[i] = source[kk - 1 - i];
                            }
                        }
                    }

                    Sgemm.PackA(flipped, _og * kk, false, cg, _og * kk, packed);
                }
                else
                {
                    // Wᵀ (K x og): element (p, o) = W[o, p].
                    Sgemm.PackA(wg, _kg, true, _kg, _og, packed);
                }
            }
        }

        ForEachChunk(state, (chunk, first, count, threads) => BackwardImages(state, _scratch[chunk], first, count, threads, dx, dw, db));
        for (int i = 0; i < _chunks; i++)
        {
            if (dw is not null)
            {
                TensorPrimitives.Add(dw.AsSpan(0, _scratch[i].Dw.Length), _scratch[i].Dw, dw.AsSpan(0, _scratch[i].Dw.Length));
            }

            if (db is not null)
            {
                TensorPrimitives.Add(db.AsSpan(0, _outChannels), _scratch[i].Db, db.AsSpan(0, _outChannels));
            }
        }
    }

    private void ForEachChunk(TrainingState state, Action<int, int, int, int> body)
    {
        int batch = state.Batch;
        int chunks = _chunks;
        int inner = Math.Max(1, state.MaxThreads / chunks);
        if (chunks == 1)
        {
            body(0, 0, batch, inner);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, i =>
        {
            int first = (int)((long)batch * i / chunks);
            int end = (int)((long)batch * (i + 1) / chunks);
            body(i, first, end - first, inner);
        });
    }

    private void ForwardImages(TrainingState state, int first, int count, int threads)
    {
        float[] x = state.Values[InputIds[0]], y = state.Values[OutputIds[0]];
        float[]? bias = _hasBias ? state.Values[InputIds[2]] : null;
        int perGroup = _packedW.Length / _group;
        int cg = _g.Channels;
        fixed (float* px = x)
        {
            for (int b = first; b < first + count; b++)
            {
                for (int g = 0; g < _group; g++)
                {
                    Span<float> yg = y.AsSpan((b * _outSize) + (g * _og * _n), _og * _n);
                    bool accumulate = false;
                    if (bias is not null)
                    {
                        for (int o = 0; o < _og; o++)
                        {
                            yg.Slice(o * _n, _n).Fill(bias[(g * _og) + o]);
                        }

                        accumulate = true;
                    }

                    float* xg = px + ((long)b * _inSize) + ((long)g * cg * _g.Height * _g.Width);
                    ReadOnlySpan<float> a = _packedW.AsSpan(g * perGroup, perGroup);
                    if (_pointwise)
                    {
                        Sgemm.Multiply(a, _og, _n, _kg, new DenseSource(xg, _n, false), yg, _n, accumulate, threads);
                    }
                    else
                    {
                        Sgemm.Multiply(a, _og, _n, _kg, new Im2ColSource(xg, _g), yg, _n, accumulate, threads);
                    }
                }
            }
        }
    }

    private void BackwardImages(TrainingState state, Chunk s, int first, int count, int threads, float[]? dx, float[]? dw, float[]? db)
    {
        float[] x = state.Values[InputIds[0]];
        float[] gy = state.Gradients[OutputIds[0]]!;
        int cg = _g.Channels;
        int plane = _g.Height * _g.Width;
        int perGroupT = _packedWt.Length / Math.Max(1, _group);
        s.Dw.AsSpan().Clear();
        s.Db.AsSpan().Clear();
        fixed (float* px = x)
        fixed (float* pcol = s.Col)
        fixed (float* pgy = gy)
        {
            for (int b = first; b < first + count; b++)
            {
                for (int g = 0; g < _group; g++)
                {
                    int yOffset = (b * _outSize) + (g * _og * _n);
                    ReadOnlySpan<float> dyg = gy.AsSpan(yOffset, _og * _n);
                    int xOffset = (b * _inSize) + (g * cg * plane);
                    if (db is not null)
                    {
                        for (int o = 0; o < _og; o++)
                        {
                            s.Db[(g * _og) + o] += TensorPrimitives.Sum(dyg.Slice(o * _n, _n));
                        }
                    }

                    if (dw is not null)
                    {
                        // dW_g (og x K) += dY_g (og x N) · colᵀ (N x K).
                        Sgemm.PackA(dyg, _n, false, _og, _n, s.PackedDy);
                        float* colT = px + xOffset;
                        if (!_pointwise)
                        {
                            ConvolutionGradients.Im2Col(x.AsSpan(xOffset, cg * plane), _g, s.Col);
                            colT = pcol;
                        }

                        Sgemm.Multiply(s.PackedDy, _og, _kg, _n, new DenseSource(colT, _n, true), s.Dw.AsSpan(g * _og * _kg, _og * _kg), _kg, true, threads);
                    }

                    if (dx is not null)
                    {
                        // dcol (K x N) = Wᵀ_g (K x og) · dY_g (og x N); col2im adds it into dX.
                        ReadOnlySpan<float> a = _packedWt.AsSpan(g * perGroupT, perGroupT);
                        var source = new DenseSource(pgy + yOffset, _n, false);
                        if (_pointwise)
                        {
                            Sgemm.Multiply(a, _kg, _n, _og, source, dx.AsSpan(xOffset, cg * plane), _n, true, threads);
                        }
                        else if (_dxByConvolution)
                        {
                            Sgemm.Multiply(a, cg, plane, _og * _g.KernelH * _g.KernelW, new Im2ColSource(pgy + yOffset, _dxGeometry), dx.AsSpan(xOffset, cg * plane), plane, true, threads);
                        }
                        else
                        {
                            Sgemm.Multiply(a, _kg, _n, _og, source, s.Col, _n, false, threads);
                            ConvolutionGradients.Col2ImAdd(s.Col, _g, dx.AsSpan(xOffset, cg * plane));
                        }
                    }
                }
            }
        }
    }

    /// <summary>One thread's scratch: the im2col matrix, packed dY, and its partial dW and dB.</summary>
    private sealed class Chunk(float[] col, float[] packedDy, float[] dw, float[] db)
    {
        public float[] Col { get; } = col;

        public float[] PackedDy { get; } = packedDy;

        public float[] Dw { get; } = dw;

        public float[] Db { get; } = db;
    }
}
