using System.Runtime.InteropServices;
using Converters.Plugins.TensorFlow.Checkpoint;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

/// <summary>Seeded test tensors.</summary>
internal static class CheckpointTensors
{
    public static CheckpointTensor Float(string name, long[] shape, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[Count(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return new CheckpointTensor(name, DataType.DtFloat, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    public static CheckpointTensor Int32(string name, long[] shape, int seed)
    {
        var random = new Random(seed);
        int[] values = new int[Count(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(int.MinValue, int.MaxValue);
        }

        return new CheckpointTensor(name, DataType.DtInt32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    public static CheckpointTensor Int64(string name, long[] shape, int seed)
    {
        var random = new Random(seed);
        long[] values = new long[Count(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextInt64(long.MinValue, long.MaxValue);
        }

        return new CheckpointTensor(name, DataType.DtInt64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    private static int Count(long[] shape) => (int)shape.Aggregate(1L, (a, d) => a * d);
}
