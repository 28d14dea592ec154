using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Converters.Ir;

/// <summary>
/// A tensor that owns its storage: an element type, a shape and a dense, C-ordered (row-major)
/// array. Initializers (weights, biases, statistics) are <see cref="TensorData"/>.
/// </summary>
public sealed class TensorData
{
    private readonly Array _storage;

    private TensorData(DataType dataType, TensorShape shape, Array storage)
    {
        DataType = dataType;
        Shape = shape;
        _storage = storage;
    }

    /// <summary>The element type.</summary>
    public DataType DataType { get; }

    /// <summary>The shape.</summary>
    public TensorShape Shape { get; }

    /// <summary>The number of elements.</summary>
    public long ElementCount => _storage.LongLength;

    /// <summary>The size of the storage in bytes.</summary>
    public long ByteCount => _storage.LongLength * DataTypeInfo.SizeOf(DataType);

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">The array length differs from the shape's element count.</exception>
    public static TensorData Create<T>(TensorShape shape, T[] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data.LongLength != shape.ElementCount)
        {
            throw new ArgumentException($"Shape {shape} holds {shape.ElementCount} elements but the data has {data.LongLength}.", nameof(data));
        }

        return new TensorData(DataTypeInfo.Of<T>(), shape, data);
    }

    /// <summary>A zero-filled tensor.</summary>
    public static TensorData Zeros(DataType dataType, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = shape.ElementCount;
        Array storage = Array.CreateInstance(DataTypeInfo.ClrType(dataType), count);
        return new TensorData(dataType, shape, storage);
    }

    /// <summary>A tensor whose bytes are copied from <paramref name="bytes"/> (little-endian element order).</summary>
    /// <exception cref="ArgumentException">The byte count differs from the shape's size in bytes.</exception>
    public static TensorData FromBytes(DataType dataType, TensorShape shape, ReadOnlySpan<byte> bytes)
    {
        TensorData tensor = Zeros(dataType, shape);
        if (bytes.Length != tensor.ByteCount)
        {
            throw new ArgumentException($"A {DataTypeInfo.Name(dataType)} tensor of shape {shape} takes {tensor.ByteCount} bytes, got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(tensor.AsBytes());
        return tensor;
    }

    /// <summary>The elements as a span of <typeparamref name="T"/>, which must match <see cref="DataType"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the element type.</exception>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        if (_storage is not T[] array)
        {
            throw new InvalidOperationException($"The tensor holds {DataTypeInfo.Name(DataType)}, not {typeof(T).Name}.");
        }

        return array;
    }

    /// <summary>The storage as raw bytes (native, little-endian on every supported platform).</summary>
    public Span<byte> AsBytes()
    {
        ref byte start = ref MemoryMarshal.GetArrayDataReference(_storage);
        return MemoryMarshal.CreateSpan(ref start, checked((int)ByteCount));
    }

    /// <summary>A deep copy.</summary>
    public TensorData Clone()
    {
        var copy = (Array)_storage.Clone();
        return new TensorData(DataType, Shape, copy);
    }

    /// <summary>A tensor sharing this storage under another shape with the same element count.</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public TensorData Reshape(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.ElementCount != ElementCount)
        {
            throw new ArgumentException($"Cannot reshape {Shape} ({ElementCount} elements) to {shape} ({shape.ElementCount} elements).", nameof(shape));
        }

        return new TensorData(DataType, shape, _storage);
    }

    /// <summary>Whether two tensors have the same type, shape and bytes.</summary>
    public bool ContentEquals(TensorData other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return DataType == other.DataType && Shape == other.Shape && AsBytes().SequenceEqual(other.AsBytes());
    }

    /// <summary>The tensor as <c>float32[64x3x3x3]</c>.</summary>
    public override string ToString() => $"{DataTypeInfo.Name(DataType)}[{Shape}]";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Array Storage() => _storage;
}
