using Converters.Engine.Execution;
using Converters.Engine.Kernels;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// AveragePool: each output gradient spreads evenly, divided by the same count as
/// <see cref="Pooling.AveragePool"/> (valid pixels, or Caffe's clipped padded window with
/// count_include_pad), over the window's pixels inside the image.
/// </summary>
internal sealed class AveragePoolTrainingKernel : ReusedForwardKernel
{
    private readonly PoolParameters _p;
    private readonly bool _includePad;
    private readonly int _planes;
    private readonly int _height;
    private readonly int _width;
    private readonly int _outH;
    private readonly int _outW;
    private readonly Action<int, int> _backwardPlanes;
    private float[] _dy = [];
    private float[] _dx = [];

    public AveragePoolTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0), o = c.OutputShape(0);
        var k = c.Ints("kernel_shape");
        var st = c.Ints("strides");
        (int t, int l, int b, int r) = KernelFactory.Pads4(c.Inference);
        _p = new PoolParameters((int)k[0], (int)k[1], (int)st[0], (int)st[1], t, l, b, r);
        _includePad = c.Int("count_include_pad") != 0;
        _planes = s[0] * s[1];
        _height = s[2];
        _width = s[3];
        _outH = o[2];
        _outW = o[3];
        _backwardPlanes = BackwardPlanes;
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        (_dy, _dx) = (state.Gradients[OutputIds[0]]!, dx);
        TrainingParallel.For(_planes, state.MaxThreads, (long)_planes * _outH * _outW * _p.KernelH * _p.KernelW, _backwardPlanes);
    }

    private void BackwardPlanes(int start, int end)
    {
        int plane = _height * _width, outPlane = _outH * _outW;
        for (int c = start; c < end; c++)
        {
            BackwardPlane(_dy.AsSpan(c * outPlane, outPlane), _dx.AsSpan(c * plane, plane));
        }
    }

    private void BackwardPlane(ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int oy = 0; oy < _outH; oy++)
        {
            int ys = (oy * _p.StrideH) - _p.PadTop;
            int y0 = Math.Max(ys, 0), y1 = Math.Min(ys + _p.KernelH, _height);
            int padH = Math.Min(ys + _p.KernelH, _height + _p.PadBottom) - ys;
            for (int ox = 0; ox < _outW; ox++)
            {
                int xs = (ox * _p.StrideW) - _p.PadLeft;
                int x0 = Math.Max(xs, 0), x1 = Math.Min(xs + _p.KernelW, _width);
                int count = _includePad ? padH * (Math.Min(xs + _p.KernelW, _width + _p.PadRight) - xs) : Math.Max(0, y1 - y0) * Math.Max(0, x1 - x0);
                if (count <= 0 || x1 <= x0)
                {
                    continue;
                }

                float g = dy[(oy * _outW) + ox] / count;
                for (int yy = y0; yy < y1; yy++)
                {
                    Span<float> row = dx.Slice((yy * _width) + x0, x1 - x0);
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] += g;
                    }
                }
            }
        }
    }
}
