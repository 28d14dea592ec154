namespace Converters.Engine.Training.Schedules;

/// <summary><c>base · gamma^iteration</c>: Caffe's and Darknet's <c>exp</c>, PyTorch's <c>ExponentialLR</c>.</summary>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or gamma.</exception>
    public ExponentialSchedule(float baseLearningRate, float gamma)
        : base(baseLearningRate)
    {
        RequireFinite(gamma, nonNegative: true);
        Gamma = gamma;
    }

    /// <summary>The factor per iteration.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration) => (float)(BaseLearningRate * Math.Pow(Gamma, iteration));
}
