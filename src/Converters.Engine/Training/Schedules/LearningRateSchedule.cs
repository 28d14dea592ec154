namespace Converters.Engine.Training.Schedules;

/// <summary>
/// The learning rate as a function of the number of optimizer steps already taken. Schedules are
/// immutable closed forms (no hidden state), so any iteration can be asked in any order — resuming
/// from a checkpoint needs only the iteration count.
/// </summary>
/// <remarks>
/// Iteration conventions differ: Caffe's update uses the rate at <c>iter</c> = steps already taken;
/// Darknet's <c>update_network</c> counts the current batch in <c>*net->seen</c> first, so its k-th
/// update (from 0) uses the rate at k + 1 (under burn-in the first Darknet update is not at rate 0).
/// <see cref="At"/> takes the iteration as each framework's formula defines it; a loop reproducing
/// Darknet exactly asks for <c>At(stepsTaken + 1)</c>.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>Creates a schedule around <paramref name="baseLearningRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseLearningRate"/> is negative or not finite.</exception>
    protected LearningRateSchedule(float baseLearningRate)
    {
        RequireFinite(baseLearningRate, nonNegative: true);
        BaseLearningRate = baseLearningRate;
    }

    /// <summary>The learning rate the schedule starts from (Caffe's <c>base_lr</c>, Darknet's <c>learning_rate</c>).</summary>
    public float BaseLearningRate { get; }

    /// <summary>The learning rate for the step taken after <paramref name="iteration"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iteration"/> is negative.</exception>
    public float At(int iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        return Compute(iteration);
    }

    /// <summary>The rate at a validated, non-negative <paramref name="iteration"/>.</summary>
    protected abstract float Compute(int iteration);

    /// <summary>Throws unless <paramref name="value"/> is finite (and not negative when <paramref name="nonNegative"/>).</summary>
    protected static void RequireFinite(float value, bool nonNegative, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!float.IsFinite(value) || (nonNegative && value < 0f))
        {
            throw new ArgumentOutOfRangeException(name, value, nonNegative ? "Must be finite and not negative." : "Must be finite.");
        }
    }
}
