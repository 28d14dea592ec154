using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF) as
/// LevelDB tables and TensorFlow bundles use it, with their "mask" that makes a CRC stored next to
/// the data it covers safe to checksum again. Uses the SSE4.2 <c>crc32</c> instruction when present
/// and an 8-way sliced table otherwise.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private const uint MaskDelta = 0xA282EAD8;

    private static readonly uint[] s_table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Extends <paramref name="crc"/> (the CRC of earlier bytes, 0 for none) with <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        Sse42.IsSupported ? AppendHardware(crc, data) : AppendScalar(crc, data);

    /// <summary>The table-driven path, used without SSE4.2 (exposed so tests compare both paths).</summary>
    public static uint AppendScalar(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = s_table;
        uint c = ~crc;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ c;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c = t[(7 * 256) + (lo & 0xFF)] ^ t[(6 * 256) + ((lo >> 8) & 0xFF)] ^ t[(5 * 256) + ((lo >> 16) & 0xFF)] ^ t[(4 * 256) + (lo >> 24)]
                ^ t[(3 * 256) + (hi & 0xFF)] ^ t[(2 * 256) + ((hi >> 8) & 0xFF)] ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            c = t[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    /// <summary>LevelDB's mask: rotate right by 15 bits and add a constant.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>The inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rotated = masked - MaskDelta;
        return (rotated >> 17) | (rotated << 15);
    }

    private static uint AppendHardware(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong c64 = c;
            while (data.Length >= 8)
            {
                c64 = Sse42.X64.Crc32(c64, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            c = (uint)c64;
        }

        while (data.Length >= 4)
        {
            c = Sse42.Crc32(c, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }

        foreach (byte b in data)
        {
            c = Sse42.Crc32(c, b);
        }

        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
