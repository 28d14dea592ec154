namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>LevelDB's base-128 little-endian varints (7 bits a byte, high bit = more).</summary>
internal static class TableVarint
{
    /// <summary>Appends <paramref name="value"/> as a varint.</summary>
    public static void Write(List<byte> destination, ulong value)
    {
        while (value >= 0x80)
        {
            destination.Add((byte)(value | 0x80));
            value >>= 7;
        }

        destination.Add((byte)value);
    }

    /// <summary>Reads a varint32 (at most 5 bytes, value below 2^32).</summary>
    public static bool TryRead32(ReadOnlySpan<byte> source, out uint value, out int consumed)
    {
        if (TryRead(source, 5, out ulong v, out consumed) && v <= uint.MaxValue)
        {
            value = (uint)v;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Reads a varint64 (at most 10 bytes).</summary>
    public static bool TryRead64(ReadOnlySpan<byte> source, out ulong value, out int consumed) => TryRead(source, 10, out value, out consumed);

    private static bool TryRead(ReadOnlySpan<byte> source, int maxBytes, out ulong value, out int consumed)
    {
        value = 0;
        for (int i = 0; i < maxBytes && i < source.Length; i++)
        {
            byte b = source[i];
            int shift = 7 * i;
            ulong part = (ulong)(b & 0x7F);
            if (shift == 63 && part > 1)
            {
                break;
            }

            value |= part << shift;
            if ((b & 0x80) == 0)
            {
                consumed = i + 1;
                return true;
            }
        }

        value = 0;
        consumed = 0;
        return false;
    }
}
