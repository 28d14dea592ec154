using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Converters.Plugins.Darknet.Tests;

/// <summary>Small cfgs written by hand and weights from a seeded PRNG, sized by counting by hand.</summary>
internal static class TestModels
{
    /// <summary>conv(BN) 3->4 3x3, maxpool 2/2, conv 4->2 1x1, route -1,-2.</summary>
    public const string TinyCfg = """
        [net]
        # a comment
        batch=64
        width=8
        height=8
        channels=3

        [convolutional]
        batch_normalize=1
        filters=4
        size=3
        stride=1
        pad=1
        activation=leaky

        [maxpool]
        size=2
        stride=2

        [convolutional]
        filters=2
        size=1
        stride=1
        activation=linear

        [route]
        layers=-1,-2

        """;

    /// <summary>Layer 0: biases 4 + scales 4 + mean 4 + variance 4 + weights 4x3x3x3=108; layer 2: biases 2 + weights 2x4=8.</summary>
    public const int TinyFloats = 4 + 4 + 4 + 4 + 108 + 2 + 8;

    /// <summary>AlexeyAB features: mish, route groups, swish, shortcut per_channel weights, scale_channels, sam, [batchnorm], yolo scale_x_y.</summary>
    public const string AlexeyCfg = """
        [net]
        width=16
        height=16
        channels=3
        mosaic=1

        [convolutional]
        batch_normalize=1
        filters=8
        size=3
        stride=1
        pad=1
        activation=mish

        [route]
        layers=-1
        groups=2
        group_id=1

        [convolutional]
        filters=4
        size=3
        stride=1
        pad=1
        activation=swish

        [route]
        layers = -1, -2

        [shortcut]
        from=0
        weights_type=per_channel
        weights_normalization=relu
        activation=linear

        [avgpool]

        [convolutional]
        filters=8
        size=1
        activation=logistic

        [scale_channels]
        from=-3

        [convolutional]
        filters=8
        size=1
        activation=logistic

        [sam]
        from=-2

        [batchnorm]

        [maxpool]
        size=2
        stride=2

        [convolutional]
        filters=21
        size=1
        activation=linear

        [yolo]
        mask=0,1,2
        anchors=10,13,  16,30,  33,23
        classes=2
        num=3
        jitter=.3
        ignore_thresh=.7
        scale_x_y=1.05

        """;

    /// <summary>
    /// 0 conv BN: 8+8+8+8 + 8x3x3x3=216; 2 conv: 4 + 4x4x3x3=144; 4 shortcut per_channel: (1+1)x8;
    /// 6 conv: 8 + 64; 8 conv: 8 + 64; 10 batchnorm (AlexeyAB): 4x8; 12 conv: 21 + 21x8.
    /// </summary>
    public const int AlexeyFloats = 32 + 216 + 4 + 144 + 16 + 72 + 72 + 32 + 21 + 168;

    /// <summary>A .weights file: header (major.minor.revision, seen of the version's width) and seeded floats in [-1, 1).</summary>
    public static byte[] Weights(int floats, int major = 0, int minor = 2, int revision = 0, ulong seen = 12345, ulong seed = 7)
    {
        int seenBytes = (major * 10) + minor >= 2 && major < 1000 && minor < 1000 ? 8 : 4;
        byte[] bytes = new byte[12 + seenBytes + (floats * 4)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, major);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), minor);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), revision);
        if (seenBytes == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), seen);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)seen);
        }

        ulong state = seed;
        Span<float> values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(12 + seenBytes));
        for (int i = 0; i < values.Length; i++)
        {
            // SplitMix64 step, then the top 24 bits as a fraction.
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            values[i] = (float)(((z >> 40) / (double)(1UL << 24) * 2) - 1);
        }

        return bytes;
    }
}
