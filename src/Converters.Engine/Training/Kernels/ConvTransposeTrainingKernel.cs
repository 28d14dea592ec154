using Converters.Engine.Execution;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// ConvTranspose (deconvolution) with trainable IOHW weights (I x O/group x kh x kw) and bias, on
/// GEMMs per batch item and group as <see cref="Converters.Engine.Kernels.TransposedConvolution"/>:
/// cols (O/g·kh·kw x H·W) = W_gᵀ X_g, then col2im adds cols[(o, ky, kx), (iy, ix)] into
/// y[o, iy sh − pt + ky dh, ix sw − pl + kx dw] when inside the output. Backward: dcols = im2col(dy)
/// over the same index pairs, dX_g += W_g dcols, dW_g += X_g dcolsᵀ, dbias[o] += Σ dy. The forward
/// reads the live weight buffers; scratch is sized at construction.
/// </summary>
internal sealed class ConvTransposeTrainingKernel : TrainingKernel
{
    private readonly int _batch;
    private readonly int _inC;
    private readonly int _outC;
    private readonly int _height;
    private readonly int _width;
    private readonly int _outH;
    private readonly int _outW;
    private readonly int _kh;
    private readonly int _kw;
    private readonly int _sh;
    private readonly int _sw;
    private readonly int _pt;
    private readonly int _pl;
    private readonly int _dh;
    private readonly int _dw;
    private readonly int _group;
    private readonly int _cg;
    private readonly int _og;
    private readonly int _rows;
    private readonly float[] _cols;
    private readonly float[] _packed;

    public ConvTransposeTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape xs = c.InputShape(0), ws = c.InputShape(1), ys = c.OutputShape(0);
        var strides = c.Ints("strides");
        var dil = c.Ints("dilations");
        (_pt, _pl, _, _) = KernelFactory.Pads4(c.Inference);
        (_batch, _inC, _height, _width) = (xs[0], xs[1], xs[2], xs[3]);
        (_outC, _outH, _outW) = (ys[1], ys[2], ys[3]);
        (_kh, _kw) = (ws[2], ws[3]);
        (_sh, _sw, _dh, _dw) = ((int)strides[0], (int)strides[1], (int)dil[0], (int)dil[1]);
        _group = (int)c.Int("group");
        _cg = _inC / _group;
        _og = _outC / _group;
        _rows = _og * _kh * _kw;
        int n = _height * _width;
        _cols = new float[Math.Max(1, _rows * n)];
        _packed = new float[Math.Max(TrainingGemm.ScratchSize(_rows, _cg), Math.Max(TrainingGemm.ScratchSize(_cg, _rows), TrainingGemm.ScratchSize(_cg, n)))];
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]], w = state.Values[InputIds[1]], y = state.Values[OutputIds[0]];
        float[]? bias = InputIds.Length > 2 && InputIds[2] >= 0 ? state.Values[InputIds[2]] : null;
        int n = _height * _width, outPlane = _outH * _outW;
        for (int b = 0; b < _batch; b++)
        {
            for (int g = 0; g < _group; g++)
            {
                ReadOnlySpan<float> wg = w.AsSpan(g * _cg * _rows, _cg * _rows);
                ReadOnlySpan<float> xg = x.AsSpan(((b * _inC) + (g * _cg)) * n, _cg * n);
                TrainingGemm.Multiply(wg, _rows, true, xg, n, false, _cols, n, _rows, n, _cg, false, state.MaxThreads, _packed);
                for (int o = 0; o < _og; o++)
                {
                    int oc = (g * _og) + o;
                    Span<float> plane = y.AsSpan(((b * _outC) + oc) * outPlane, outPlane);
                    plane.Fill(bias is null ? 0f : bias[oc]);
                    ColumnPairs(o, plane, toColumns: false);
                }
            }
        }
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]], w = state.Values[InputIds[1]], dy = state.Gradients[OutputIds[0]]!;
        float[]? dx = InputGradient(state, InputIds[0]), dw = InputGradient(state, InputIds[1]);
        float[]? db = InputIds.Length > 2 ? InputGradient(state, InputIds[2]) : null;
        int n = _height * _width, outPlane = _outH * _outW;
        for (int b = 0; b < _batch; b++)
        {
            for (int g = 0; g < _group; g++)
            {
                for (int o = 0; o < _og; o++)
                {
                    int oc = (g * _og) + o;
                    Span<float> plane = dy.AsSpan(((b * _outC) + oc) * outPlane, outPlane);
                    if (db is not null)
                    {
                        db[oc] += System.Numerics.Tensors.TensorPrimitives.Sum(plane);
                    }

                    ColumnPairs(o, plane, toColumns: true);
                }

                int xo = ((b * _inC) + (g * _cg)) * n;
                if (dx is not null)
                {
                    TrainingGemm.Multiply(w.AsSpan(g * _cg * _rows, _cg * _rows), _rows, false, _cols, n, false, dx.AsSpan(xo, _cg * n), n, _cg, n, _rows, true, state.MaxThreads, _packed);
                }

                if (dw is not null)
                {
                    TrainingGemm.Multiply(x.AsSpan(xo, _cg * n), n, false, _cols, n, true, dw.AsSpan(g * _cg * _rows, _cg * _rows), _rows, _cg, _rows, n, true, state.MaxThreads, _packed);
                }
            }
        }
    }

    /// <summary>
    /// For output channel <paramref name="o"/> of a group: col2im (cols added into the output plane)
    /// or, with <paramref name="toColumns"/>, im2col (the plane's values copied into cols, 0 where
    /// the pair falls outside the output).
    /// </summary>
    private void ColumnPairs(int o, Span<float> plane, bool toColumns)
    {
        int n = _height * _width;
        for (int ky = 0; ky < _kh; ky++)
        {
            for (int kx = 0; kx < _kw; kx++)
            {
                Span<float> col = _cols.AsSpan(((((o * _kh) + ky) * _kw) + kx) * n, n);
                if (toColumns)
                {
                    col.Clear();
                }

                for (int iy = 0; iy < _height; iy++)
                {
                    int oy = (iy * _sh) - _pt + (ky * _dh);
                    if ((uint)oy >= (uint)_outH)
                    {
                        continue;
                    }

                    for (int ix = 0; ix < _width; ix++)
                    {
                        int ox = (ix * _sw) - _pl + (kx * _dw);
                        if ((uint)ox < (uint)_outW)
                        {
                            if (toColumns)
                            {
                                col[(iy * _width) + ix] = plane[(oy * _outW) + ox];
                            }
                            else
                            {
                                plane[(oy * _outW) + ox] += col[(iy * _width) + ix];
                            }
                        }
                    }
                }
            }
        }
    }
}
