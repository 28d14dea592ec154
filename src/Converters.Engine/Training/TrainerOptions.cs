using Converters.Ir;

namespace Converters.Engine.Training;

/// <summary>Options of a <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Images per optimizer step (the last incomplete batch of an epoch is dropped, as Darknet does).</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Threads the kernels may use; results are deterministic for a given seed and thread count.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seeds the epoch shuffles and dropout.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Shuffle the training samples every epoch (default); off: ascending order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The weight of the batch statistics in the BN running averages (see <see cref="TrainingSessionOptions.BatchNormMomentum"/>).</summary>
    public float BatchNormMomentum { get; init; } = 0.1f;

    /// <summary>λ of the L1 penalty on BN scales (network slimming's sparse training); 0 for none.</summary>
    public float Sparsity { get; init; }

    /// <summary>Clip the gradients to this global L2 norm before each step; null for no clipping.</summary>
    public float? ClipNorm { get; init; }

    /// <summary>Clip every gradient element to ±this value before each step; null for no clipping.</summary>
    public float? ClipValue { get; init; }

    /// <summary>The teacher for knowledge distillation, run forward only in float32 on the same batches; null for none. Its logits are taken as the student's are.</summary>
    public Model? Teacher { get; init; }

    /// <summary>Distillation: the weight of the hard-label cross-entropy; the KL term gets 1 − alpha.</summary>
    public float DistillationAlpha { get; init; } = 0.5f;

    /// <summary>Distillation: the softmax temperature T (the KL term is scaled by T²).</summary>
    public float Temperature { get; init; } = 4f;
}
