namespace Converters.Engine.Training.Schedules;

/// <summary>
/// <c>base · gamma^⌊iteration / stepSize⌋</c>: Caffe's <c>step</c> (<c>gamma</c>, <c>stepsize</c>),
/// Darknet's <c>step</c> (<c>scale</c>, <c>step</c>) and PyTorch's <c>StepLR</c>.
/// </summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or gamma, or a step size below 1.</exception>
    public StepSchedule(float baseLearningRate, float gamma, int stepSize)
        : base(baseLearningRate)
    {
        RequireFinite(gamma, nonNegative: true);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        Gamma = gamma;
        StepSize = stepSize;
    }

    /// <summary>The factor applied every <see cref="StepSize"/> iterations.</summary>
    public float Gamma { get; }

    /// <summary>Iterations between two reductions.</summary>
    public int StepSize { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration) => (float)(BaseLearningRate * Math.Pow(Gamma, iteration / StepSize));
}
