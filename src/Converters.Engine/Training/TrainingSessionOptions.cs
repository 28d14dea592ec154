namespace Converters.Engine.Training;

/// <summary>Options of a <see cref="TrainingSession"/>.</summary>
public sealed record TrainingSessionOptions
{
    /// <summary>The batch every forward and backward runs at; null: the model's own batch (dimension 0 of its first input).</summary>
    public int? Batch { get; init; }

    /// <summary>Threads the kernels may use; default: all cores. Results are deterministic for a given seed and thread count.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seeds every random stream of training (dropout masks).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Also compute gradients with respect to the graph inputs (gradient checks, saliency); off by default.</summary>
    public bool InputGradients { get; init; }

    /// <summary>
    /// The weight of the batch statistics in the BN running averages after each training-mode
    /// forward (PyTorch's <c>momentum</c>; 0.1 by default). Darknet uses 0.01, which suits its long
    /// runs but leaves the running statistics of a short finetune far behind the weights.
    /// </summary>
    public float BatchNormMomentum { get; init; } = 0.1f;

    /// <summary>Initializers that stay fixed even though their input role is a weight or a bias.</summary>
    public IReadOnlyCollection<string> Frozen { get; init; } = [];
}
