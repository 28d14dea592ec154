using Converters.Engine.Training.Kernels;

namespace Converters.Engine.Training;

/// <summary>Compiles one node for training: its forward (training and evaluation mode) and its backward.</summary>
internal static partial class TrainingKernelFactory
{
    public static TrainingKernel Create(TrainingNodeContext c)
    {
        if (c.Node.Domain.Length != 0)
        {
            throw c.Fail($"training has no kernel for op '{c.Node.Domain}.{c.Node.OpType}'");
        }

        return c.Node.OpType switch
        {
            "Conv" => new ConvTrainingKernel(c),
            "Gemm" => new GemmTrainingKernel(c),
            "BatchNormalization" => new BatchNormTrainingKernel(c),
            _ => CreateOther(c) ?? throw c.Fail($"training has no backward for op '{c.Node.OpType}'"),
        };
    }

    /// <summary>The kernels of every other op (see TrainingKernelFactory.Ops.cs); null when the op has none.</summary>
    private static partial TrainingKernel? CreateOther(TrainingNodeContext c);
}
