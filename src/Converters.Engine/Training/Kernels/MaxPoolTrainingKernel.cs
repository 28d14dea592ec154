using Converters.Engine.Execution;
using Converters.Engine.Kernels;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// MaxPool in training: the forward computes what <see cref="Pooling.MaxPool"/> computes (windows
/// clipped to the image, padding never wins, the first maximum in row-major order on ties, an
/// all-padding window gives -FLT_MAX) and records where each maximum came from; the backward routes
/// every output gradient to that input element (none for an all-padding window).
/// </summary>
internal sealed class MaxPoolTrainingKernel : TrainingKernel
{
    private readonly PoolParameters _p;
    private readonly int _planes;
    private readonly int _height;
    private readonly int _width;
    private readonly int _outH;
    private readonly int _outW;
    private readonly int[] _argmax;
    private readonly Action<int, int> _forwardPlanes;
    private readonly Action<int, int> _backwardPlanes;
    private float[] _source = [];
    private float[] _target = [];

    public MaxPoolTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0), o = c.OutputShape(0);
        var k = c.Ints("kernel_shape");
        var st = c.Ints("strides");
        (int t, int l, int b, int r) = KernelFactory.Pads4(c.Inference);
        _p = new PoolParameters((int)k[0], (int)k[1], (int)st[0], (int)st[1], t, l, b, r);
        _planes = s[0] * s[1];
        _height = s[2];
        _width = s[3];
        _outH = o[2];
        _outW = o[3];
        _argmax = new int[checked((int)o.ElementCount)];
        _forwardPlanes = ForwardPlanes;
        _backwardPlanes = BackwardPlanes;
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state)
    {
        // The range delegates are built once; the buffers they use are set per call.
        (_source, _target) = (state.Values[InputIds[0]], state.Values[OutputIds[0]]);
        TrainingParallel.For(_planes, state.MaxThreads, (long)_planes * _outH * _outW * _p.KernelH * _p.KernelW, _forwardPlanes);
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        (_source, _target) = (state.Gradients[OutputIds[0]]!, dx);
        TrainingParallel.For(_planes, state.MaxThreads, (long)_planes * _outH * _outW, _backwardPlanes);
    }

    private void ForwardPlanes(int start, int end)
    {
        int plane = _height * _width, outPlane = _outH * _outW;
        for (int c = start; c < end; c++)
        {
            ForwardPlane(_source.AsSpan(c * plane, plane), _target.AsSpan(c * outPlane, outPlane), _argmax.AsSpan(c * outPlane, outPlane));
        }
    }

    /// <summary>dx[argmax] += dy for the planes [start, end) (_source = dy, _target = dx).</summary>
    private void BackwardPlanes(int start, int end)
    {
        int plane = _height * _width, outPlane = _outH * _outW;
        for (int c = start; c < end; c++)
        {
            Span<float> d = _target.AsSpan(c * plane, plane);
            ReadOnlySpan<float> g = _source.AsSpan(c * outPlane, outPlane);
            ReadOnlySpan<int> at = _argmax.AsSpan(c * outPlane, outPlane);
            for (int i = 0; i < outPlane; i++)
            {
                if (at[i] >= 0)
                {
                    d[at[i]] += g[i];
                }
            }
        }
    }

    private void ForwardPlane(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax)
    {
        bool pairs = _p.KernelH == 2 && _p.KernelW == 2 && _p.StrideH == 2 && _p.StrideW == 2 && _p.PadTop == 0 && _p.PadLeft == 0;
        for (int oy = 0; oy < _outH; oy++)
        {
            int ox = 0;
            if (pairs && (2 * oy) + 1 < _height)
            {
                // The common 2x2 stride-2 window with both rows inside the image, branch-free; ties go
                // to the first element in row-major order, as in the general loop.
                int r0 = 2 * oy * _width;
                int full = Math.Min(_outW, _width / 2);
                ox = PairRow(x.Slice(r0, _width + (2 * full)), _width, r0, full, y.Slice(oy * _outW, full), argmax.Slice(oy * _outW, full));
            }

            for (; ox < _outW; ox++)
            {
                (y[(oy * _outW) + ox], argmax[(oy * _outW) + ox]) = Window(x, oy, ox);
            }
        }
    }

    /// <summary>
    /// One output row of 2x2 stride-2 windows whose two input rows start at <paramref name="rows"/>
    /// (index <paramref name="r0"/> in the plane): branch-free, ties to the first element in row-major
    /// order as in <see cref="Window"/>. Returns the number of outputs written.
    /// </summary>
    private static unsafe int PairRow(ReadOnlySpan<float> rows, int width, int r0, int count, Span<float> y, Span<int> argmax)
    {
        fixed (float* top = rows)
        fixed (float* py = y)
        fixed (int* pa = argmax)
        {
            float* bottom = top + width;
            for (int ox = 0; ox < count; ox++)
            {
                float a = top[2 * ox], b = top[(2 * ox) + 1], c = bottom[2 * ox], d = bottom[(2 * ox) + 1];
                float m0 = Math.Max(a, b), m1 = Math.Max(c, d);
                int right0 = b > a ? 1 : 0, right1 = d > c ? 1 : 0, second = m1 > m0 ? 1 : 0;
                py[ox] = Math.Max(m0, m1);
                pa[ox] = r0 + (2 * ox) + (second * width) + (right0 ^ ((right0 ^ right1) & -second));
            }
        }

        return count;
    }

    /// <summary>The maximum of one clipped window and its index in the plane (−1 when the window holds nothing above −FLT_MAX).</summary>
    private (float Max, int At) Window(ReadOnlySpan<float> x, int oy, int ox)
    {
        int ys = (oy * _p.StrideH) - _p.PadTop;
        int y0 = Math.Max(ys, 0), y1 = Math.Min(ys + _p.KernelH, _height);
        int xs = (ox * _p.StrideW) - _p.PadLeft;
        int x0 = Math.Max(xs, 0), x1 = Math.Min(xs + _p.KernelW, _width);
        float m = float.MinValue;
        int best = -1;
        for (int yy = y0; yy < y1; yy++)
        {
            int row = yy * _width;
            for (int xx = x0; xx < x1; xx++)
            {
                float v = x[row + xx];
                if (v > m)
                {
                    m = v;
                    best = row + xx;
                }
            }
        }

        return (m, best);
    }
}
