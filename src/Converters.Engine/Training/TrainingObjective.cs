using Converters.Engine.Data;

namespace Converters.Engine.Training;

/// <summary>
/// What a <see cref="Trainer"/> minimises and reports: the loss of one batch and its gradients,
/// seeded at chosen values of the graph, a running training metric, and the test metric.
/// </summary>
internal abstract class TrainingObjective
{
    /// <summary>The test metric's name (<c>top1</c>, <c>mAP@0.5</c>).</summary>
    public abstract string MetricName { get; }

    /// <summary>The values the loss is computed on (where the backward pass is seeded).</summary>
    public abstract IReadOnlyList<string> LossValues { get; }

    /// <summary>
    /// After a training-mode forward of the batch whose samples are <paramref name="samples"/>:
    /// fills <paramref name="seeds"/> with d loss / d value for <see cref="LossValues"/> and returns
    /// the loss and the batch's training-metric numerator (e.g. correct images).
    /// </summary>
    public abstract (double Loss, double Metric) Compute(TrainingSession session, IDataset data, ReadOnlySpan<int> samples, Dictionary<string, float[]> seeds);

    /// <summary>Resets the test-metric accumulator.</summary>
    public abstract void BeginEvaluation();

    /// <summary>Adds the first <paramref name="count"/> images of an evaluation-mode forward.</summary>
    public abstract void AddEvaluation(TrainingSession session, IDataset data, int firstSample, int count);

    /// <summary>The test metric over everything added since <see cref="BeginEvaluation"/>.</summary>
    public abstract double EndEvaluation();
}
