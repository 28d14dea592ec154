namespace Converters.Pruning.Transform;

/// <summary>Parameters and multiply-accumulates of a model, counted as <c>ModelStatistics</c> counts them.</summary>
/// <param name="Parameters">Trainable values (weights, biases, BN scales and shifts).</param>
/// <param name="StoredValues">All initializer values, statistics included.</param>
/// <param name="Macs">Multiply-accumulates of one forward pass.</param>
public sealed record PlanCost(long Parameters, long StoredValues, long Macs);
