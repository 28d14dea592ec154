using Tensorflow;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>What the bundle format needs to know about a <see cref="DataType"/>.</summary>
internal static class CheckpointDataTypes
{
    /// <summary>
    /// The bytes per element of a fixed-size type as stored in a data shard, or 0 for types stored
    /// with their own layout (string, variant) or not storable (resource, invalid, *_REF).
    /// </summary>
    public static int ElementSize(DataType type) => type switch
    {
        DataType.DtBool or DataType.DtInt8 or DataType.DtUint8 or DataType.DtQint8 or DataType.DtQuint8 => 1,
        DataType.DtInt16 or DataType.DtUint16 or DataType.DtQint16 or DataType.DtQuint16 or DataType.DtHalf or DataType.DtBfloat16 => 2,
        DataType.DtFloat or DataType.DtInt32 or DataType.DtUint32 or DataType.DtQint32 => 4,
        DataType.DtDouble or DataType.DtInt64 or DataType.DtUint64 or DataType.DtComplex64 => 8,
        DataType.DtComplex128 => 16,
        _ => 0,
    };

    /// <summary>TensorFlow's spelling, e.g. <c>DT_FLOAT</c>, or the number when the value is not in our enum.</summary>
    public static string Name(DataType type)
    {
        string? name = Enum.GetName(type);
        if (name is null)
        {
            return ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }
}
