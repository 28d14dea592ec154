namespace Converters.Engine.Training.Kernels;

/// <summary>Elu: dx += dy for x &gt; 0, dy alpha exp(x) = dy (y + alpha) elsewhere.</summary>
internal sealed class EluTrainingKernel : ElementwiseTrainingKernel
{
    private readonly float _alpha;

    public EluTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        _alpha = context.Float("alpha");
    }

    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] += x[i] > 0 ? dy[i] : dy[i] * _alpha * MathF.Exp(x[i]);
        }
    }
}
