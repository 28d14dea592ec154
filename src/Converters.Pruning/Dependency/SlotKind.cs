namespace Converters.Pruning.Dependency;

/// <summary>What a <see cref="ChannelSlot"/> is to the channels of its group.</summary>
public enum SlotKind
{
    /// <summary>
    /// The output-channel axis of a parameter that computes the channels: a Conv/Gemm weight's rows
    /// (axis 0), their bias, a ConvTranspose weight's axis 1. Filter-norm criteria read these.
    /// </summary>
    Producer,

    /// <summary>
    /// A per-channel parameter the channels pass through: BatchNormalization scale/bias/mean/variance,
    /// Scale/affine, PRelu slopes, Darknet shortcut weights, a depthwise convolution's filters.
    /// </summary>
    PerChannel,

    /// <summary>The input-channel axis of a parameter that reads the channels: a following Conv's axis 1, a Gemm's columns.</summary>
    Consumer,

    /// <summary>The channel axis of an activation value (used for shapes and for data-driven criteria).</summary>
    Activation,
}
