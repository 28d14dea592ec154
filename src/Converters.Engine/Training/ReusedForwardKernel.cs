using Converters.Engine.Execution;

namespace Converters.Engine.Training;

/// <summary>
/// A training kernel whose forward is the inference kernel of the same node (for ops that behave
/// the same in training and have no trainable input); subclasses add the backward.
/// </summary>
internal abstract class ReusedForwardKernel : TrainingKernel
{
    private readonly OpKernel _forward;

    protected ReusedForwardKernel(TrainingNodeContext context)
        : base(context)
    {
        _forward = KernelFactory.Create(context.Inference);
    }

    /// <inheritdoc/>
    public override void Forward(TrainingState state) => _forward.Run(state.Values);
}
