namespace Converters.Engine.Training.Schedules;

/// <summary>
/// The base rate multiplied by <c>scales[i]</c> for every step boundary <c>steps[i] ≤ iteration</c>,
/// boundaries in increasing order: Darknet's <c>steps</c> policy (<c>steps</c>, <c>scales</c>),
/// Caffe's <c>multistep</c> (<c>stepvalue</c>, every scale = <c>gamma</c>) and PyTorch's
/// <c>MultiStepLR</c>. A negative boundary (Darknet cfgs use <c>steps=-1,…</c>) is reached from the
/// start, as the cfg authors meant; pjreddie's 2018 build compares it unsigned and so never applies
/// any scale of such a list.
/// </summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly int[] _steps;
    private readonly float[] _scales;

    /// <summary>Creates the schedule with one scale per boundary.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or boundaries decrease.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or scale.</exception>
    public MultiStepSchedule(float baseLearningRate, IReadOnlyList<int> steps, IReadOnlyList<float> scales)
        : base(baseLearningRate)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(scales);
        if (steps.Count != scales.Count)
        {
            throw new ArgumentException($"{steps.Count} step boundaries but {scales.Count} scales; expected one scale per boundary.", nameof(scales));
        }

        for (int i = 0; i < steps.Count; i++)
        {
            if (i > 0 && steps[i] < steps[i - 1])
            {
                throw new ArgumentException($"Step boundaries must not decrease; boundary {i} is {steps[i]} after {steps[i - 1]}.", nameof(steps));
            }

            RequireFinite(scales[i], nonNegative: true);
        }

        _steps = [.. steps];
        _scales = [.. scales];
    }

    /// <summary>Caffe's <c>multistep</c>: every boundary multiplies by <paramref name="gamma"/>.</summary>
    public static MultiStepSchedule WithGamma(float baseLearningRate, float gamma, IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return new MultiStepSchedule(baseLearningRate, steps, Enumerable.Repeat(gamma, steps.Count).ToArray());
    }

    /// <summary>The iteration boundaries.</summary>
    public IReadOnlyList<int> Steps => _steps;

    /// <summary>The factor at each boundary.</summary>
    public IReadOnlyList<float> Scales => _scales;

    /// <inheritdoc/>
    protected override float Compute(int iteration)
    {
        float rate = BaseLearningRate;
        for (int i = 0; i < _steps.Length && _steps[i] <= iteration; i++)
        {
            rate *= _scales[i];
        }

        return rate;
    }
}
