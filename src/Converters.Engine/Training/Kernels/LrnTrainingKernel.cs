using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// LRN (across channels, or within a channel) in training, the forward being the inference kernel:
/// y_i = x_i S_i^−β with S_i = bias + a Σ_{j ∈ W(i)} x_j² (a = alpha / size across, alpha / size²
/// within). Backward: dx_j += dy_j S_j^−β − 2 a β x_j Σ_{i : j ∈ W(i)} dy_i y_i / S_i, the last sum
/// over the mirrored window. Two scratch buffers of the input's size hold S and dy y / S.
/// </summary>
internal sealed class LrnTrainingKernel : ReusedForwardKernel
{
    private readonly bool _across;
    private readonly int _batch;
    private readonly int _channels;
    private readonly int _height;
    private readonly int _width;
    private readonly int _before;
    private readonly int _after;
    private readonly float _a;
    private readonly float _beta;
    private readonly float _bias;
    private readonly float[] _s;
    private readonly float[] _t;

    public LrnTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        (_batch, _channels, _height, _width) = (s[0], s[1], s[2], s[3]);
        int size = (int)c.Int("size");
        _across = c.String("region") == "across";
        _before = (size - 1) / 2;
        _after = size / 2;
        _a = _across ? c.Float("alpha") / size : c.Float("alpha") / (size * size);
        _beta = c.Float("beta");
        _bias = c.Float("bias");
        _s = new float[checked((int)s.ElementCount)];
        _t = new float[_s.Length];
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] x = state.Values[InputIds[0]], y = state.Values[OutputIds[0]], dy = state.Gradients[OutputIds[0]]!;
        int n = _s.Length;
        for (int i = 0; i < n; i++)
        {
            _t[i] = x[i] * x[i];
        }

        WindowSum(_t, _s, _before, _after);
        for (int i = 0; i < n; i++)
        {
            _s[i] = _bias + (_a * _s[i]);
            _t[i] = dy[i] * y[i] / _s[i];
        }

        // Reuse S's buffer for S^−β before the mirrored sum overwrites T's.
        for (int i = 0; i < n; i++)
        {
            _s[i] = MathF.Pow(_s[i], -_beta);
        }

        float k = 2f * _a * _beta;
        for (int i = 0; i < n; i++)
        {
            dx[i] += dy[i] * _s[i];
        }

        WindowSum(_t, _s, _after, _before);
        for (int i = 0; i < n; i++)
        {
            dx[i] -= k * x[i] * _s[i];
        }
    }

    /// <summary>dst_i = Σ src_j over j from i − lo to i + hi along the channels (across) or in both image axes (within), clipped.</summary>
    private void WindowSum(float[] src, float[] dst, int lo, int hi)
    {
        int plane = _height * _width;
        for (int b = 0; b < _batch; b++)
        {
            for (int c = 0; c < _channels; c++)
            {
                int off = ((b * _channels) + c) * plane;
                if (_across)
                {
                    Span<float> d = dst.AsSpan(off, plane);
                    d.Clear();
                    for (int k = Math.Max(0, c - lo); k <= Math.Min(_channels - 1, c + hi); k++)
                    {
                        System.Numerics.Tensors.TensorPrimitives.Add(d, src.AsSpan(((b * _channels) + k) * plane, plane), d);
                    }

                    continue;
                }

                for (int yy = 0; yy < _height; yy++)
                {
                    for (int xx = 0; xx < _width; xx++)
                    {
                        float sum = 0;
                        for (int y2 = Math.Max(0, yy - lo); y2 <= Math.Min(_height - 1, yy + hi); y2++)
                        {
                            for (int x2 = Math.Max(0, xx - lo); x2 <= Math.Min(_width - 1, xx + hi); x2++)
                            {
                                sum += src[off + (y2 * _width) + x2];
                            }
                        }

                        dst[off + (yy * _width) + xx] = sum;
                    }
                }
            }
        }
    }
}
