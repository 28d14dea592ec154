using System.Numerics.Tensors;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Dropout as Darknet trains it (inverted dropout): in training mode each element is dropped with
/// probability <c>ratio</c> and the survivors are scaled by 1 / (1 − ratio); in evaluation mode the
/// output is the input. The mask is a counter-based hash of (session seed, step, node index,
/// element), so it is the same for every thread count and differs between steps.
/// </summary>
internal sealed class DropoutTrainingKernel : TrainingKernel
{
    private readonly int _count;
    private readonly float _ratio;
    private readonly float[] _mask;
    private bool _masked;

    public DropoutTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        _count = checked((int)c.InputShape(0).ElementCount);
        _ratio = c.Float("ratio");
        if (!(_ratio >= 0f && _ratio < 1f))
        {
            throw c.Fail($"attribute 'ratio'={_ratio} must be in [0, 1) for training");
        }

        _mask = new float[_count];
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state)
    {
        ReadOnlySpan<float> x = state.Values[InputIds[0]].AsSpan(0, _count);
        Span<float> y = state.Values[OutputIds[0]].AsSpan(0, _count);
        _masked = state.Training && _ratio > 0f;
        if (!_masked)
        {
            x.CopyTo(y);
            return;
        }

        ulong stream = Mix(state.Seed + Mix((ulong)state.Step + Mix((ulong)Index + 0xD1B54A32D192ED03UL)));
        float scale = 1f / (1f - _ratio);
        for (int i = 0; i < _count; i++)
        {
            // 24 random bits as a uniform in [0, 1): dropped when below the ratio, as in Darknet.
            float u = (Mix(stream + ((ulong)i * 0x9E3779B97F4A7C15UL)) >> 40) * (1f / (1 << 24));
            _mask[i] = u < _ratio ? 0f : scale;
        }

        TensorPrimitives.Multiply(x, _mask, y);
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        Span<float> d = dx.AsSpan(0, _count);
        ReadOnlySpan<float> g = state.Gradients[OutputIds[0]].AsSpan(0, _count);
        if (_masked)
        {
            TensorPrimitives.MultiplyAdd(g, _mask, d, d);
        }
        else
        {
            TensorPrimitives.Add(d, g, d);
        }
    }

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
