namespace Converters.Engine.Training.Losses;

/// <summary>The value of a <see cref="DistillationLoss"/> and its two parts.</summary>
/// <param name="Total">α·CE + (1 − α)·T²·KL, the value the gradient belongs to.</param>
/// <param name="CrossEntropy">The mean hard-label cross-entropy of the student.</param>
/// <param name="Divergence">The batch-mean KL divergence between the softened teacher and student distributions (before T²).</param>
public readonly record struct DistillationLossValue(float Total, float CrossEntropy, float Divergence);
