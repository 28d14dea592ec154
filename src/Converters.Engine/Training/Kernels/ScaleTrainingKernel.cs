using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Caffe Scale y = scale[c] x + bias[c] along <c>axis</c>, scale a trainable Weight and bias a Bias:
/// the forward reads their live buffers; backward dx += scale dy, dscale[c] += Σ dy x, dbias[c] += Σ dy.
/// </summary>
internal sealed class ScaleTrainingKernel : TrainingKernel
{
    private readonly int _outer;
    private readonly int _channels;
    private readonly int _inner;

    public ScaleTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        int axis = (int)(c.Int("axis") < 0 ? c.Int("axis") + s.Rank : c.Int("axis"));
        _outer = 1;
        _inner = 1;
        for (int i = 0; i < axis; i++)
        {
            _outer *= s[i];
        }

        for (int i = axis + 1; i < s.Rank; i++)
        {
            _inner *= s[i];
        }

        _channels = s[axis];
        long scales = c.InputShape(1).ElementCount;
        if (scales != _channels || (c.HasInput(2) && c.InputShape(2).ElementCount != _channels))
        {
            throw c.Fail($"training needs one scale and bias per value of axis {axis} ({_channels}); 'scale' has {scales}");
        }
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]], scale = state.Values[InputIds[1]], y = state.Values[OutputIds[0]];
        float[]? bias = InputIds.Length > 2 && InputIds[2] >= 0 ? state.Values[InputIds[2]] : null;
        for (int o = 0; o < _outer; o++)
        {
            for (int ch = 0; ch < _channels; ch++)
            {
                int off = ((o * _channels) + ch) * _inner;
                Converters.Engine.Kernels.Activations.ScalarAffine(x.AsSpan(off, _inner), scale[ch], bias is null ? 0f : bias[ch], y.AsSpan(off, _inner));
            }
        }
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? dx = InputGradient(state, InputIds[0]), dscale = InputGradient(state, InputIds[1]);
        float[]? dbias = InputIds.Length > 2 ? InputGradient(state, InputIds[2]) : null;
        float[] x = state.Values[InputIds[0]], scale = state.Values[InputIds[1]], dy = state.Gradients[OutputIds[0]]!;
        for (int o = 0; o < _outer; o++)
        {
            for (int ch = 0; ch < _channels; ch++)
            {
                int off = ((o * _channels) + ch) * _inner;
                ReadOnlySpan<float> g = dy.AsSpan(off, _inner);
                if (dx is not null)
                {
                    Span<float> d = dx.AsSpan(off, _inner);
                    TensorPrimitives.MultiplyAdd(g, scale[ch], d, d);
                }

                if (dscale is not null)
                {
                    dscale[ch] += TensorPrimitives.Dot(g, x.AsSpan(off, _inner));
                }

                if (dbias is not null)
                {
                    dbias[ch] += TensorPrimitives.Sum(g);
                }
            }
        }
    }
}
