namespace Converters.Engine.Training.Schedules;

/// <summary>
/// A linear warm-up around another schedule, as PyTorch's <c>LinearLR</c> chained before it: the
/// inner rate times <c>startFactor + (1 − startFactor) · iteration / warmup</c> while
/// <c>iteration &lt; warmup</c>, then the inner rate unchanged.
/// </summary>
public sealed class LinearWarmupSchedule : LearningRateSchedule
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A warm-up below 1 or a start factor outside [0, 1].</exception>
    public LinearWarmupSchedule(LearningRateSchedule inner, int warmup, float startFactor = 0f)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).BaseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, 1);
        if (!(startFactor >= 0f && startFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "Must be in [0, 1].");
        }

        Inner = inner;
        Warmup = warmup;
        StartFactor = startFactor;
    }

    /// <summary>The schedule being warmed up.</summary>
    public LearningRateSchedule Inner { get; }

    /// <summary>The number of warm-up iterations.</summary>
    public int Warmup { get; }

    /// <summary>The factor at iteration 0.</summary>
    public float StartFactor { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration)
    {
        float rate = Inner.At(iteration);
        return iteration < Warmup
            ? (float)(rate * (StartFactor + ((1.0 - StartFactor) * iteration / Warmup)))
            : rate;
    }
}
