namespace Converters.Ir.Npy;

/// <summary>
/// A numpy dtype descriptor (<c>'&lt;f4'</c>, <c>'|u1'</c>, <c>'&gt;i8'</c>) mapped onto an IR
/// <see cref="DataType"/>: a byte-order character, a kind letter and the element size in bytes.
/// </summary>
internal readonly record struct NpyDescriptor(DataType DataType, bool BigEndian)
{
    /// <summary>The descriptors this reader accepts, in the little-endian form numpy writes.</summary>
    public const string SupportedList = "'<f2', '<f4', '<f8', '|i1', '|u1', '<i2', '<i4', '<i8', '|b1' (and the big-endian '>' forms)";

    /// <summary>The descriptor numpy writes for <paramref name="dataType"/> on a little-endian machine.</summary>
    public static string Format(DataType dataType) => dataType switch
    {
        DataType.Float16 => "<f2",
        DataType.Float32 => "<f4",
        DataType.Float64 => "<f8",
        DataType.Int8 => "|i1",
        DataType.UInt8 => "|u1",
        DataType.Int16 => "<i2",
        DataType.Int32 => "<i4",
        DataType.Int64 => "<i8",
        DataType.Bool => "|b1",
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "The data type has no .npy descriptor."),
    };

    /// <summary>
    /// Parses <paramref name="descr"/>; on failure <paramref name="problem"/> says what is wrong
    /// with it, in words that follow "expected … , found '…'".
    /// </summary>
    public static bool TryParse(string descr, out NpyDescriptor descriptor, out string? problem)
    {
        descriptor = default;
        problem = null;
        char order = descr.Length > 0 ? descr[0] : ' ';
        if (order is not ('<' or '>' or '|'))
        {
            problem = order == '='
                ? "'=' (native byte order) is never written by numpy and is not portable"
                : "a descriptor starts with a byte order '<', '>' or '|'";
            return false;
        }

        if (descr.Length < 2)
        {
            problem = "a byte order must be followed by a kind letter and a size in bytes";
            return false;
        }

        DataType dataType = descr[1..] switch
        {
            "f2" => DataType.Float16,
            "f4" => DataType.Float32,
            "f8" => DataType.Float64,
            "i1" => DataType.Int8,
            "u1" => DataType.UInt8,
            "i2" => DataType.Int16,
            "i4" => DataType.Int32,
            "i8" => DataType.Int64,
            "b1" => DataType.Bool,
            _ => DataType.Undefined,
        };
        if (dataType == DataType.Undefined)
        {
            problem = DescribeUnsupportedKind(descr[1]);
            return false;
        }

        int size = DataTypeInfo.SizeOf(dataType);
        if (order == '|' && size > 1)
        {
            problem = $"'|' (no byte order) is only valid for 1-byte types, and {DataTypeInfo.Name(dataType)} takes {size}";
            return false;
        }

        descriptor = new NpyDescriptor(dataType, BigEndian: order == '>' && size > 1);
        return true;
    }

    private static string DescribeUnsupportedKind(char kind) => kind switch
    {
        'u' => "unsigned integers wider than 8 bits have no IR type",
        'c' => "complex numbers have no IR type",
        'U' or 'S' or 'a' => "strings are not tensors",
        'O' => "Python objects are pickled and never loaded",
        'V' => "structured (void) dtypes are not supported",
        'M' or 'm' => "datetimes and timedeltas have no IR type",
        _ => "it is not one of the supported element types",
    };
}
