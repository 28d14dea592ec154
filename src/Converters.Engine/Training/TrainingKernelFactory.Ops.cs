using Converters.Engine.Training.Kernels;

namespace Converters.Engine.Training;

/// <summary>The training kernels of the activation, pooling, element-wise and layout ops.</summary>
internal static partial class TrainingKernelFactory
{
    private static partial TrainingKernel? CreateOther(TrainingNodeContext c) => c.Node.OpType switch
    {
        "Relu" => new ReluTrainingKernel(c),
        "LeakyRelu" => new LeakyReluTrainingKernel(c),
        "Sigmoid" => new SigmoidTrainingKernel(c),
        "Tanh" => new TanhTrainingKernel(c),
        "Mish" => new MishTrainingKernel(c),
        "Swish" => new SwishTrainingKernel(c),
        "Relu6" or "HardSigmoid" => new ClampTrainingKernel(c),
        "Elu" => new EluTrainingKernel(c),
        "Power" => new PowerTrainingKernel(c),
        "PRelu" => new PReluTrainingKernel(c),
        "Identity" or "Flatten" or "Reshape" => new CopyTrainingKernel(c),
        "Dropout" => new DropoutTrainingKernel(c),
        "MaxPool" => new MaxPoolTrainingKernel(c),
        "AveragePool" => new AveragePoolTrainingKernel(c),
        "GlobalAveragePool" or "GlobalMaxPool" => new GlobalPoolTrainingKernel(c),
        "Softmax" => new SoftmaxTrainingKernel(c),
        "Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" => new BinaryTrainingKernel(c),
        "Scale" => new ScaleTrainingKernel(c),
        "ScaleChannels" => new ScaleChannelsTrainingKernel(c),
        "Concat" or "Split" => new AxisBlocksTrainingKernel(c),
        "Upsample" => new UpsampleTrainingKernel(c),
        "Slice" or "Transpose" or "Pad" or "Reorg" or "SpaceToDepth" or "DepthToSpace" => new GatherTrainingKernel(c),
        "Shortcut" => new ShortcutTrainingKernel(c),
        "LRN" => new LrnTrainingKernel(c),
        "ConvTranspose" => new ConvTransposeTrainingKernel(c),
        "Yolo" => new YoloTrainingKernel(c),
        "Region" => new RegionTrainingKernel(c),
        _ => null,
    };
}
