namespace Converters.Engine.Training;

/// <summary>
/// One trainable tensor of a model being trained: its live values, the gradient the last backward
/// pass accumulated into, and the pruning mask that keeps removed weights at zero. The arrays are
/// owned by the training session; optimizers update <see cref="Value"/> in place.
/// </summary>
public sealed class TrainableParameter
{
    /// <summary>Creates a parameter over <paramref name="value"/> with a zeroed gradient.</summary>
    /// <param name="name">The initializer's name in the graph.</param>
    /// <param name="kind">Weight or bias (decides weight decay defaults and L1 sparsity targets).</param>
    /// <param name="value">The live values (not copied).</param>
    public TrainableParameter(string name, ParameterKind kind, float[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Kind = kind;
        Value = value;
        Gradient = new float[value.Length];
    }

    /// <summary>The initializer's name in the graph.</summary>
    public string Name { get; }

    /// <summary>What the parameter is for.</summary>
    public ParameterKind Kind { get; }

    /// <summary>The live values, updated in place by optimizers.</summary>
    public float[] Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/> (same length).</summary>
    public float[] Gradient { get; }

    /// <summary>
    /// Null, or 0/1 per element: elements with 0 were pruned. The session zeroes their gradient after
    /// every backward pass and optimizers keep their value at zero after every step.
    /// </summary>
    public float[]? Mask { get; set; }

    /// <summary>Multiplies the optimizer's weight decay for this parameter (Caffe's <c>decay_mult</c>); default 1.</summary>
    public float DecayMultiplier { get; set; } = 1f;

    /// <summary>Multiplies the learning rate for this parameter (Caffe's <c>lr_mult</c>); default 1, 0 freezes it.</summary>
    public float LearningRateMultiplier { get; set; } = 1f;

    /// <summary>The name of the node that reads the parameter and its op type (e.g. <c>BatchNormalization</c> for a BN scale).</summary>
    public string OwnerOpType { get; init; } = "";

    /// <summary>The name of the node that reads the parameter.</summary>
    public string OwnerNode { get; init; } = "";
}
