namespace Converters.Engine.Training.Kernels;

/// <summary>Swish x σ(x): dx += dy σ (1 + x (1 − σ)).</summary>
internal sealed class SwishTrainingKernel(TrainingNodeContext context) : ElementwiseTrainingKernel(context)
{
    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float t = x[i];
            float s = 1f / (1f + MathF.Exp(-t));
            dx[i] += dy[i] * s * (1f + (t * (1f - s)));
        }
    }
}
