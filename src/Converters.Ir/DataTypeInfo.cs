namespace Converters.Ir;

/// <summary>Facts about <see cref="DataType"/> values: sizes, CLR types and names.</summary>
public static class DataTypeInfo
{
    /// <summary>The size in bytes of one element of <paramref name="dataType"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dataType"/> is <see cref="DataType.Undefined"/> or unknown.</exception>
    public static int SizeOf(DataType dataType) => dataType switch
    {
        DataType.Float32 => 4,
        DataType.Float64 => 8,
        DataType.Float16 => 2,
        DataType.Int8 => 1,
        DataType.UInt8 => 1,
        DataType.Int16 => 2,
        DataType.Int32 => 4,
        DataType.Int64 => 8,
        DataType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "The data type has no element size."),
    };

    /// <summary>The CLR element type used to store <paramref name="dataType"/>.</summary>
    public static Type ClrType(DataType dataType) => dataType switch
    {
        DataType.Float32 => typeof(float),
        DataType.Float64 => typeof(double),
        DataType.Float16 => typeof(Half),
        DataType.Int8 => typeof(sbyte),
        DataType.UInt8 => typeof(byte),
        DataType.Int16 => typeof(short),
        DataType.Int32 => typeof(int),
        DataType.Int64 => typeof(long),
        DataType.Bool => typeof(bool),
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "The data type has no CLR type."),
    };

    /// <summary>The <see cref="DataType"/> stored as CLR type <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a tensor element type.</exception>
    public static DataType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return DataType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return DataType.Float64;
        }

        if (typeof(T) == typeof(Half))
        {
            return DataType.Float16;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return DataType.Int8;
        }

        if (typeof(T) == typeof(byte))
        {
            return DataType.UInt8;
        }

        if (typeof(T) == typeof(short))
        {
            return DataType.Int16;
        }

        if (typeof(T) == typeof(int))
        {
            return DataType.Int32;
        }

        if (typeof(T) == typeof(long))
        {
            return DataType.Int64;
        }

        if (typeof(T) == typeof(bool))
        {
            return DataType.Bool;
        }

        throw new NotSupportedException($"'{typeof(T).Name}' is not a tensor element type.");
    }

    /// <summary>The lower-case name used in dumps and JSON (<c>float32</c>, <c>int8</c>, …).</summary>
    public static string Name(DataType dataType) => dataType switch
    {
        DataType.Float32 => "float32",
        DataType.Float64 => "float64",
        DataType.Float16 => "float16",
        DataType.Int8 => "int8",
        DataType.UInt8 => "uint8",
        DataType.Int16 => "int16",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.Bool => "bool",
        _ => "undefined",
    };
}
