namespace Converters.Engine.Training.Schedules;

/// <summary>
/// Darknet's <c>burn_in</c> warm-up around another schedule: <c>base · (iteration / burnIn)^power</c>
/// while <c>iteration &lt; burnIn</c>, then the inner schedule. Darknet uses the [net] section's
/// <c>power</c> (default 4) here, the same key its <c>poly</c> policy reads.
/// </summary>
public sealed class BurnInSchedule : LearningRateSchedule
{
    /// <summary>Wraps <paramref name="inner"/>; the warm-up climbs to its base rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A burn-in below 1 or a negative or non-finite power.</exception>
    public BurnInSchedule(LearningRateSchedule inner, int burnIn, float power = 4f)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).BaseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burnIn, 1);
        RequireFinite(power, nonNegative: true);
        Inner = inner;
        BurnIn = burnIn;
        Power = power;
    }

    /// <summary>The schedule after the warm-up.</summary>
    public LearningRateSchedule Inner { get; }

    /// <summary>The number of warm-up iterations.</summary>
    public int BurnIn { get; }

    /// <summary>The warm-up curve's exponent.</summary>
    public float Power { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration) =>
        iteration < BurnIn
            ? (float)(BaseLearningRate * Math.Pow((float)iteration / BurnIn, Power))
            : Inner.At(iteration);
}
