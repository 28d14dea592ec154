using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// PRelu with a trainable slope (a Weight): y = x for x &gt; 0, slope x elsewhere, the slope shared
/// (one value) or per channel (dimension 1). The forward reads the slope's live buffer so optimizer
/// updates take effect; backward: dx += dy (x &gt; 0 ? 1 : slope), dslope[c] += Σ dy x over x ≤ 0.
/// </summary>
internal sealed class PReluTrainingKernel : TrainingKernel
{
    private readonly int _outer;
    private readonly int _channels;
    private readonly int _inner;
    private readonly int _slopes;

    public PReluTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        _slopes = checked((int)c.InputShape(1).ElementCount);
        if (s.Rank >= 2)
        {
            _outer = s[0];
            _channels = s[1];
            _inner = checked((int)(s.ElementCount / Math.Max(1L, (long)_outer * _channels)));
        }
        else
        {
            _outer = 1;
            _channels = 1;
            _inner = checked((int)s.ElementCount);
        }

        if (_slopes != 1 && _slopes != _channels)
        {
            throw c.Fail($"input 'slope' has {_slopes} values; training needs 1 or one per channel ({_channels})");
        }
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]], slope = state.Values[InputIds[1]], y = state.Values[OutputIds[0]];
        for (int o = 0; o < _outer; o++)
        {
            for (int ch = 0; ch < _channels; ch++)
            {
                int off = ((o * _channels) + ch) * _inner;
                Converters.Engine.Kernels.Activations.PRelu(x.AsSpan(off, _inner), slope[_slopes == 1 ? 0 : ch], y.AsSpan(off, _inner));
            }
        }
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? dx = InputGradient(state, InputIds[0]), dslope = InputGradient(state, InputIds[1]);
        float[] x = state.Values[InputIds[0]], slope = state.Values[InputIds[1]], dy = state.Gradients[OutputIds[0]]!;
        for (int o = 0; o < _outer; o++)
        {
            for (int ch = 0; ch < _channels; ch++)
            {
                int off = ((o * _channels) + ch) * _inner;
                int si = _slopes == 1 ? 0 : ch;
                if (dx is not null)
                {
                    LeakyReluTrainingKernel.Accumulate(x.AsSpan(off, _inner), slope[si], dy.AsSpan(off, _inner), dx.AsSpan(off, _inner));
                }

                if (dslope is not null)
                {
                    float sum = 0;
                    for (int i = off; i < off + _inner; i++)
                    {
                        sum += x[i] > 0 ? 0f : dy[i] * x[i];
                    }

                    dslope[si] += sum;
                }
            }
        }
    }
}
