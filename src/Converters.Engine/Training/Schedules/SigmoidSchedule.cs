namespace Converters.Engine.Training.Schedules;

/// <summary>
/// <c>base / (1 + exp(−gamma · (iteration − stepSize)))</c>: Caffe's <c>sigmoid</c>. Darknet's
/// <c>sigmoid</c> policy uses the opposite sign (<c>exp(+gamma · …)</c>), so it is this schedule with
/// <c>−gamma</c>; <see cref="FromDarknet"/> does that. (Darknet 2018 computes <c>iteration − step</c>
/// in unsigned arithmetic, so before <c>step</c> its rate underflows to 0; we keep the intended curve.)
/// </summary>
public sealed class SigmoidSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule with Caffe's sign convention.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate, or a non-finite gamma.</exception>
    public SigmoidSchedule(float baseLearningRate, float gamma, int stepSize)
        : base(baseLearningRate)
    {
        RequireFinite(gamma, nonNegative: false);
        Gamma = gamma;
        StepSize = stepSize;
    }

    /// <summary>Darknet's <c>sigmoid</c> policy: <c>base / (1 + exp(gamma · (iteration − step)))</c>.</summary>
    public static SigmoidSchedule FromDarknet(float learningRate, float gamma, int step) => new(learningRate, -gamma, step);

    /// <summary>The slope, Caffe's sign convention.</summary>
    public float Gamma { get; }

    /// <summary>The iteration at which the rate is half the base rate.</summary>
    public int StepSize { get; }

    /// <inheritdoc/>
    protected override float Compute(int iteration) =>
        (float)(BaseLearningRate * (1.0 / (1.0 + Math.Exp(-(double)Gamma * ((double)iteration - StepSize)))));
}
