namespace Converters.Engine.Training;

/// <summary>The training kernels of the activation, pooling, element-wise and layout ops.</summary>
internal static partial class TrainingKernelFactory
{
    private static partial TrainingKernel? CreateOther(TrainingNodeContext c) => c.Node.OpType switch
    {
        _ => null,
    };
}
