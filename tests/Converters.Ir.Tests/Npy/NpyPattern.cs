using System.Globalization;

namespace Converters.Ir.Tests.Npy;

/// <summary>
/// A deterministic value pattern per element type that C# and the numpy oracle both compute from
/// the flat element index, so either side can build "the same array" independently. Floats are
/// quarter steps in [-31.25, 31.25] (exact in float16), integers sweep their whole range, bools
/// are true every third element.
/// </summary>
internal static class NpyPattern
{
    /// <summary>The numpy side: <c>pattern(dtype_name, shape_tuple)</c>.</summary>
    public const string Python = """
        import numpy as np

        def pattern(dtype, shape):
            n = int(np.prod(shape, dtype=np.int64))
            i = np.arange(n, dtype=np.int64)
            if dtype in ('float16', 'float32', 'float64'):
                v = ((i % 251) - 125) * 0.25
            elif dtype == 'int8':
                v = (i % 256) - 128
            elif dtype == 'uint8':
                v = i % 256
            elif dtype == 'int16':
                v = (i * 7919) % 65536 - 32768
            elif dtype == 'int32':
                v = (i * 2654435761) % 4294967296 - 2147483648
            elif dtype == 'int64':
                v = i * 3000000017 - 4611686018427387904
            elif dtype == 'bool':
                v = (i % 3) == 0
            else:
                raise ValueError(dtype)
            return v.astype(dtype).reshape(shape)

        def parse_shape(text):
            return tuple(int(x) for x in text.split('x') if x)

        """;

    /// <summary>Every IR element type.</summary>
    public static DataType[] AllTypes { get; } =
    [
        DataType.Float32, DataType.Float64, DataType.Float16, DataType.Int8, DataType.UInt8,
        DataType.Int16, DataType.Int32, DataType.Int64, DataType.Bool,
    ];

    /// <summary>Shapes every test covers: scalar, zero-size, 1-D, 2-D, 3-D with a zero, 4-D.</summary>
    public static string[] Shapes { get; } = ["", "0", "7", "3x5", "2x0x3", "2x3x4x5"];

    /// <summary>Parses <c>2x3x4</c> (empty for a scalar).</summary>
    public static TensorShape ParseShape(string text) =>
        new(text.Split('x', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)));

    /// <summary>The pattern tensor of <paramref name="dataType"/> and <paramref name="shape"/>.</summary>
    public static TensorData Create(DataType dataType, TensorShape shape)
    {
        TensorData tensor = TensorData.Zeros(dataType, shape);
        int n = (int)tensor.ElementCount;
        switch (dataType)
        {
            case DataType.Float32:
                Fill(tensor.AsSpan<float>(), n, i => (float)Quarter(i));
                break;
            case DataType.Float64:
                Fill(tensor.AsSpan<double>(), n, Quarter);
                break;
            case DataType.Float16:
                Fill(tensor.AsSpan<Half>(), n, i => (Half)Quarter(i));
                break;
            case DataType.Int8:
                Fill(tensor.AsSpan<sbyte>(), n, i => (sbyte)((i % 256) - 128));
                break;
            case DataType.UInt8:
                Fill(tensor.AsSpan<byte>(), n, i => (byte)(i % 256));
                break;
            case DataType.Int16:
                Fill(tensor.AsSpan<short>(), n, i => (short)((i * 7919 % 65536) - 32768));
                break;
            case DataType.Int32:
                Fill(tensor.AsSpan<int>(), n, i => (int)((i * 2654435761 % 4294967296) - 2147483648));
                break;
            case DataType.Int64:
                Fill(tensor.AsSpan<long>(), n, i => (i * 3000000017) - 4611686018427387904);
                break;
            case DataType.Bool:
                Fill(tensor.AsSpan<bool>(), n, i => i % 3 == 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dataType));
        }

        return tensor;
    }

    private static double Quarter(long i) => ((i % 251) - 125) * 0.25;

    private static void Fill<T>(Span<T> span, int n, Func<long, T> value)
    {
        for (int i = 0; i < n; i++)
        {
            span[i] = value(i);
        }
    }
}
