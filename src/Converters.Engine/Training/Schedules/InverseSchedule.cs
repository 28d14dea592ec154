namespace Converters.Engine.Training.Schedules;

/// <summary><c>base · (1 + gamma · iteration)^(−power)</c>: Caffe's <c>inv</c>.</summary>
public sealed class InverseSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or gamma, or a non-finite power.</exception>
    public InverseSchedule(float baseLearningRate, float gamma, float power)
        : base(baseLearningRate)
    {
        RequireFinite(gamma, nonNegative: true);
        RequireFinite(power, nonNegative: false);
        Gamma = gamma;
        Power = power;
    }

    /// <summary>The decay speed.</summary>
    public float Gamma { get; }

    /// <summary>The exponent.</summary>
    public float Power { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration) => (float)(BaseLearningRate * Math.Pow(1.0 + ((double)Gamma * iteration), -Power));
}
