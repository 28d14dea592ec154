namespace Converters.Engine.Training;

/// <summary>What one epoch of a <see cref="Trainer"/> did.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Seconds">Wall time of the training pass (forward, backward, optimizer steps, data loading), without evaluation.</param>
/// <param name="Loss">Mean training loss over the epoch's batches.</param>
/// <param name="TrainMetric">The metric on the training batches as they were trained (top-1 accuracy).</param>
/// <param name="MetricName">The name of the test metric, e.g. <c>top1</c>.</param>
/// <param name="Metric">The test metric after the epoch, or null without a test set.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Images">Images trained on.</param>
public sealed record EpochRecord(int Epoch, double Seconds, double Loss, double TrainMetric, string MetricName, double? Metric, float LearningRate, int Images);
