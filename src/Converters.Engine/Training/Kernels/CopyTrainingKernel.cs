using System.Numerics.Tensors;

namespace Converters.Engine.Training.Kernels;

/// <summary>Identity, Flatten and Reshape: the output is the input's elements in the same order, so dx += dy.</summary>
internal sealed class CopyTrainingKernel : ReusedForwardKernel
{
    private readonly int _count;

    public CopyTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        _count = checked((int)context.InputShape(0).ElementCount);
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is float[] dx)
        {
            Span<float> d = dx.AsSpan(0, _count);
            TensorPrimitives.Add(d, state.Gradients[OutputIds[0]].AsSpan(0, _count), d);
        }
    }
}
