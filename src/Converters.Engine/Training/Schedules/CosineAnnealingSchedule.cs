namespace Converters.Engine.Training.Schedules;

/// <summary>
/// Cosine annealing, PyTorch's <c>CosineAnnealingLR</c> closed form:
/// <c>etaMin + (base − etaMin) · (1 + cos(π · t / period)) / 2</c>. Without restarts t is the
/// iteration (so past the period the rate rises again, as in PyTorch); with restarts t counts from
/// the last restart and each period is <c>periodMultiplier</c> times the previous one
/// (<c>CosineAnnealingWarmRestarts(T_0 = period, T_mult = periodMultiplier)</c>).
/// </summary>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">The rate at iteration 0.</param>
    /// <param name="period">PyTorch's <c>T_max</c> (or <c>T_0</c> with restarts), at least 1.</param>
    /// <param name="minimumLearningRate">PyTorch's <c>eta_min</c>.</param>
    /// <param name="restart">Whether the rate jumps back to the base at the end of every period.</param>
    /// <param name="periodMultiplier">With restarts, each period's length over the previous one's (PyTorch's <c>T_mult</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate, a period below 1 or a multiplier below 1.</exception>
    public CosineAnnealingSchedule(float baseLearningRate, int period, float minimumLearningRate = 0f, bool restart = false, int periodMultiplier = 1)
        : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodMultiplier, 1);
        RequireFinite(minimumLearningRate, nonNegative: true);
        Period = period;
        MinimumLearningRate = minimumLearningRate;
        Restart = restart;
        PeriodMultiplier = periodMultiplier;
    }

    /// <summary>Iterations from the base rate to the minimum.</summary>
    public int Period { get; }

    /// <summary>The rate at the end of a period.</summary>
    public float MinimumLearningRate { get; }

    /// <summary>Whether the schedule restarts every period.</summary>
    public bool Restart { get; }

    /// <summary>With restarts, the growth of each period over the previous one.</summary>
    public int PeriodMultiplier { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration)
    {
        long t = iteration;
        long period = Period;
        if (Restart)
        {
            while (t >= period)
            {
                t -= period;
                period *= PeriodMultiplier;
            }
        }

        double cosine = (1.0 + Math.Cos(Math.PI * t / period)) / 2.0;
        return (float)(MinimumLearningRate + ((BaseLearningRate - (double)MinimumLearningRate) * cosine));
    }
}
