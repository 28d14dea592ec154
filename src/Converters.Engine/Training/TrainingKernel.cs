using Converters.Ir;

namespace Converters.Engine.Training;

/// <summary>
/// One node compiled for training: a forward that keeps what its backward needs (in its own
/// fields, sized once for the session's batch) and a backward that adds d loss / d input into
/// <see cref="TrainingState.Gradients"/> for every input whose buffer is not null, from the
/// gradients of its outputs.
/// </summary>
internal abstract class TrainingKernel
{
    protected TrainingKernel(TrainingNodeContext context)
    {
        Node = context.Node;
        Index = context.Index;
        InputIds = [.. Enumerable.Range(0, context.Node.Inputs.Count).Select(i => context.HasInput(i) ? context.Input(i) : -1)];
        OutputIds = [.. Enumerable.Range(0, context.Node.Outputs.Count).Select(context.Output)];
    }

    /// <summary>The node.</summary>
    public Node Node { get; }

    /// <summary>The node's position in the graph (seeds per-node random streams).</summary>
    public int Index { get; }

    /// <summary>Value ids of the inputs; -1 for an absent optional input.</summary>
    public int[] InputIds { get; }

    /// <summary>Value ids of the outputs.</summary>
    public int[] OutputIds { get; }

    /// <summary>Computes the outputs from the inputs (training or evaluation mode per <see cref="TrainingState.Training"/>).</summary>
    public abstract void Forward(TrainingState state);

    /// <summary>Adds the gradients of the inputs (those with a buffer) from the gradients of the outputs.</summary>
    public abstract void Backward(TrainingState state);

    /// <summary>The gradient buffer of the value <paramref name="id"/> (-1: an absent input), or null when it needs none.</summary>
    protected static float[]? InputGradient(TrainingState state, int id) => id < 0 ? null : state.Gradients[id];
}
