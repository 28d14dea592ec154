namespace Converters.Engine.Training.Kernels;

/// <summary>
/// A one-input, one-output element-wise op whose forward is the inference kernel: the backward
/// adds f'(x) dy into dx in one pass, split over threads in fixed ranges when large.
/// </summary>
internal abstract class ElementwiseTrainingKernel : ReusedForwardKernel
{
    private readonly int _count;
    private readonly Action<int, int> _range;
    private float[] _x = [];
    private float[] _y = [];
    private float[] _dy = [];
    private float[] _dx = [];

    protected ElementwiseTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        _count = checked((int)context.InputShape(0).ElementCount);
        _range = (start, end) => Accumulate(_x.AsSpan(start, end - start), _y.AsSpan(start, end - start), _dy.AsSpan(start, end - start), _dx.AsSpan(start, end - start));
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? dx = InputGradient(state, InputIds[0]);
        if (dx is null)
        {
            return;
        }

        // The range delegate is built once; the buffers it reads are set per call (kernels run one at a time).
        (_x, _y, _dy, _dx) = (state.Values[InputIds[0]], state.Values[OutputIds[0]], state.Gradients[OutputIds[0]]!, dx);
        TrainingParallel.For(_count, state.MaxThreads, _count, _range);
    }

    /// <summary>dx += f'(x) dy over one range (x the input, y the forward's output).</summary>
    protected abstract void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
