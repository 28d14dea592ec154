namespace Converters.Engine.Training.Kernels;

/// <summary>Caffe Power y = (shift + scale x)^p: dx += dy p scale (shift + scale x)^(p − 1).</summary>
internal sealed class PowerTrainingKernel : ElementwiseTrainingKernel
{
    private readonly float _power;
    private readonly float _scale;
    private readonly float _shift;

    public PowerTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        _power = context.Float("power");
        _scale = context.Float("scale");
        _shift = context.Float("shift");
    }

    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float k = _power * _scale;
        for (int i = 0; i < x.Length; i++)
        {
            float b = _shift + (_scale * x[i]);
            float d = _power == 1f ? 1f : _power == 2f ? b : MathF.Pow(b, _power - 1f);
            dx[i] += dy[i] * k * d;
        }
    }
}
