namespace Converters.Engine.Training;

/// <summary>Progress of a <see cref="Trainer"/> after one batch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="Loss">Mean loss of the epoch so far.</param>
/// <param name="Metric">Training metric of the epoch so far (top-1 accuracy).</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch so far.</param>
public sealed record TrainingProgress(int Epoch, int Batch, int Batches, double Loss, double Metric, double ImagesPerSecond);
