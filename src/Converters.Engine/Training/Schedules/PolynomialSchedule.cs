namespace Converters.Engine.Training.Schedules;

/// <summary>
/// <c>base · (1 − iteration / maxIterations)^power</c>: Caffe's and Darknet's <c>poly</c>; 0 from
/// <c>maxIterations</c> on (where Caffe's formula is undefined for non-integer powers).
/// </summary>
public sealed class PolynomialSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or power, or fewer than 1 iteration.</exception>
    public PolynomialSchedule(float baseLearningRate, float power, int maxIterations)
        : base(baseLearningRate)
    {
        RequireFinite(power, nonNegative: true);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        Power = power;
        MaxIterations = maxIterations;
    }

    /// <summary>The exponent.</summary>
    public float Power { get; }

    /// <summary>The iteration at which the rate reaches 0 (Caffe's <c>max_iter</c>, Darknet's <c>max_batches</c>).</summary>
    public int MaxIterations { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration)
    {
        if (iteration >= MaxIterations)
        {
            return 0f;
        }

        float remaining = 1f - ((float)iteration / MaxIterations);
        return (float)(BaseLearningRate * Math.Pow(remaining, Power));
    }
}
