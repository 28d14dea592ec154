using System.Buffers.Binary;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// How a <c>DT_STRING</c> tensor is stored in a data shard (TF's <c>WriteStringTensor</c>): the
/// element lengths as varint64, then a 4-byte masked CRC-32C of the lengths (each length fed to
/// the CRC as a little-endian uint32, or uint64 if it does not fit), then the string bytes. The
/// entry's CRC covers the lengths (as fed above), the 4 checksum bytes and the string bytes.
/// </summary>
internal static class StringTensorLayout
{
    /// <summary>The stored bytes and the (unmasked) CRC the entry records, masked, for <paramref name="strings"/>.</summary>
    public static (byte[] Bytes, uint Crc) Encode(IReadOnlyList<byte[]> strings)
    {
        var bytes = new List<byte>();
        uint crc = 0;
        foreach (byte[] s in strings)
        {
            TableVarint.Write(bytes, (ulong)s.Length);
            crc = AppendLength(crc, (ulong)s.Length);
        }

        Span<byte> checksum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(checksum, Crc32C.Mask(crc));
        bytes.AddRange(checksum);
        crc = Crc32C.Append(crc, checksum);
        foreach (byte[] s in strings)
        {
            bytes.AddRange(s);
            crc = Crc32C.Append(crc, s);
        }

        return ([.. bytes], crc);
    }

    /// <summary>
    /// Splits <paramref name="data"/> into <paramref name="count"/> strings; on failure returns
    /// <see langword="null"/> with the reason and the offset in <paramref name="data"/>.
    /// </summary>
    public static byte[][]? TryDecode(ReadOnlySpan<byte> data, long count, out uint crc, out string? error, out int errorOffset)
    {
        crc = 0;
        errorOffset = 0;
        if (count > data.Length)
        {
            error = $"{count} strings need at least {count} length bytes, but the tensor has {data.Length} bytes";
            return null;
        }

        var lengths = new ulong[count];
        int pos = 0;
        for (long i = 0; i < count; i++)
        {
            if (!TableVarint.TryRead64(data[pos..], out lengths[i], out int used))
            {
                error = $"the length of string {i} (varint64) is malformed or cut off";
                errorOffset = pos;
                return null;
            }

            crc = AppendLength(crc, lengths[i]);
            pos += used;
        }

        if (data.Length - pos < 4)
        {
            error = "the tensor ends before the 4-byte checksum of the string lengths";
            errorOffset = pos;
            return null;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
        if (Crc32C.Unmask(stored) != crc)
        {
            error = $"the string lengths' checksum 0x{stored:x8} does not match the lengths (0x{Crc32C.Mask(crc):x8})";
            errorOffset = pos;
            return null;
        }

        crc = Crc32C.Append(crc, data.Slice(pos, 4));
        pos += 4;
        var strings = new byte[count][];
        for (long i = 0; i < count; i++)
        {
            if (lengths[i] > (ulong)(data.Length - pos))
            {
                error = $"string {i} has {lengths[i]} bytes, but only {data.Length - pos} remain";
                errorOffset = pos;
                return null;
            }

            strings[i] = data.Slice(pos, (int)lengths[i]).ToArray();
            crc = Crc32C.Append(crc, strings[i]);
            pos += (int)lengths[i];
        }

        if (pos != data.Length)
        {
            error = $"{data.Length - pos} bytes are left after the {count} strings";
            errorOffset = pos;
            return null;
        }

        error = null;
        return strings;
    }

    private static uint AppendLength(uint crc, ulong length)
    {
        Span<byte> buffer = stackalloc byte[8];
        if (length <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)length);
            return Crc32C.Append(crc, buffer[..4]);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(buffer, length);
        return Crc32C.Append(crc, buffer);
    }
}
