using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// ScaleChannels y = x s with s per (batch, channel) broadcast over the plane, or with
/// <c>scale_wh</c> per (batch, position) broadcast over the channels: dx += dy s, ds += Σ dy x over the
/// broadcast axis.
/// </summary>
internal sealed class ScaleChannelsTrainingKernel : ReusedForwardKernel
{
    private readonly bool _wh;
    private readonly int _batch;
    private readonly int _channels;
    private readonly int _plane;

    public ScaleChannelsTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        _wh = c.Int("scale_wh") != 0;
        _batch = s[0];
        _channels = s[1];
        _plane = s[2] * s[3];
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? dx = InputGradient(state, InputIds[0]), ds = InputGradient(state, InputIds[1]);
        float[] x = state.Values[InputIds[0]], s = state.Values[InputIds[1]], dy = state.Gradients[OutputIds[0]]!;
        for (int b = 0; b < _batch; b++)
        {
            for (int ch = 0; ch < _channels; ch++)
            {
                int off = ((b * _channels) + ch) * _plane;
                ReadOnlySpan<float> g = dy.AsSpan(off, _plane), xv = x.AsSpan(off, _plane);
                if (_wh)
                {
                    if (dx is not null)
                    {
                        Span<float> d = dx.AsSpan(off, _plane);
                        TensorPrimitives.MultiplyAdd(g, s.AsSpan(b * _plane, _plane), d, d);
                    }

                    if (ds is not null)
                    {
                        Span<float> d = ds.AsSpan(b * _plane, _plane);
                        TensorPrimitives.MultiplyAdd(g, xv, d, d);
                    }

                    continue;
                }

                if (dx is not null)
                {
                    Span<float> d = dx.AsSpan(off, _plane);
                    TensorPrimitives.MultiplyAdd(g, s[(b * _channels) + ch], d, d);
                }

                if (ds is not null)
                {
                    ds[(b * _channels) + ch] += TensorPrimitives.Dot(g, xv);
                }
            }
        }
    }
}
