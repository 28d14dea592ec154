namespace Converters.Engine.Training;

/// <summary>
/// The buffers one forward and backward pass of a <see cref="TrainingSession"/> work on, by value
/// id: every value keeps its own buffer (backward reads the activations), parameters share their
/// arrays with <see cref="TrainableParameter"/>, and a value gets a gradient buffer only when the
/// loss can depend on something trainable through it.
/// </summary>
internal sealed class TrainingState
{
    public TrainingState(float[][] values, float[]?[] gradients, int batch, int maxThreads, ulong seed)
    {
        Values = values;
        Gradients = gradients;
        Batch = batch;
        MaxThreads = maxThreads;
        Seed = seed;
    }

    /// <summary>Activations, inputs and initializers by value id.</summary>
    public float[][] Values { get; }

    /// <summary>d loss / d value by value id; null where no gradient is needed. Backward kernels add into them.</summary>
    public float[]?[] Gradients { get; }

    /// <summary>The batch the session was built for (dimension 0 of every batched value).</summary>
    public int Batch { get; }

    /// <summary>Threads kernels may use.</summary>
    public int MaxThreads { get; }

    /// <summary>True in training mode (batch statistics in BN, dropout on); false in evaluation mode.</summary>
    public bool Training { get; set; } = true;

    /// <summary>The session seed; kernels that draw random numbers derive their stream from it, <see cref="Step"/> and their node index.</summary>
    public ulong Seed { get; }

    /// <summary>The weight of the batch statistics in the BN running averages.</summary>
    public float BatchNormMomentum { get; init; } = 0.1f;

    /// <summary>How many training-mode forwards have run before this one.</summary>
    public long Step { get; set; }
}
