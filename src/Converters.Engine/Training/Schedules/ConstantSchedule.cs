namespace Converters.Engine.Training.Schedules;

/// <summary>The same rate at every iteration (Caffe's <c>fixed</c>, Darknet's <c>constant</c>).</summary>
/// <param name="baseLearningRate">The rate.</param>
public sealed class ConstantSchedule(float baseLearningRate) : LearningRateSchedule(baseLearningRate)
{
    /// <inheritdoc/>
    protected override float Compute(int iteration) => BaseLearningRate;
}
