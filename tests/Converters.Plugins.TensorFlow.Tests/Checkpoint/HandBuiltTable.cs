using System.Buffers.Binary;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

/// <summary>
/// A deliberately naive encoder for LevelDB tables, written from the published layout and sharing
/// no code with the plugin: bitwise CRC-32C, explicit varints, blocks whose entries and restart
/// points the test spells out, the 5-byte trailer and the 48-byte footer. Also a naive checker
/// of a table's footer and block CRCs.
/// </summary>
internal static class HandBuiltTable
{
    /// <summary>CRC-32C one bit at a time (reflected polynomial 0x82F63B78).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8;

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    public static byte[] Fixed32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    /// <summary>One entry: shared prefix length, the key suffix and the value, as given.</summary>
    public static byte[] Entry(int shared, byte[] suffix, byte[] value) =>
        [.. Varint((ulong)shared), .. Varint((ulong)suffix.Length), .. Varint((ulong)value.Length), .. suffix, .. value];

    /// <summary>Entries followed by the restart offsets and their count.</summary>
    public static byte[] Block(IEnumerable<byte[]> entries, params uint[] restarts)
    {
        var block = new List<byte>();
        foreach (byte[] e in entries)
        {
            block.AddRange(e);
        }

        foreach (uint r in restarts)
        {
            block.AddRange(Fixed32(r));
        }

        block.AddRange(Fixed32((uint)restarts.Length));
        return [.. block];
    }

    /// <summary>The block, then type byte 0 and the masked CRC-32C of block + type.</summary>
    public static byte[] WithTrailer(byte[] block)
    {
        byte[] covered = [.. block, 0];
        return [.. covered, .. Fixed32(Mask(Crc32C(covered)))];
    }

    public static byte[] Handle(long offset, long size) => [.. Varint((ulong)offset), .. Varint((ulong)size)];

    /// <summary>Metaindex and index handles zero-padded to 40 bytes, then the magic 0xdb4775248b80fb57 little-endian.</summary>
    public static byte[] Footer(byte[] metaindexHandle, byte[] indexHandle)
    {
        var footer = new byte[48];
        metaindexHandle.CopyTo(footer, 0);
        indexHandle.CopyTo(footer, metaindexHandle.Length);
        byte[] magic = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
        magic.CopyTo(footer, 40);
        return footer;
    }

    /// <summary>
    /// A table with one data block per element of <paramref name="dataBlocks"/> (each already
    /// encoded with its restarts, with its last key given for the index), an empty metaindex and an
    /// index with one full-key entry per data block (restart interval 1).
    /// </summary>
    public static byte[] Table(params (byte[] Block, byte[] LastKey)[] dataBlocks)
    {
        var file = new List<byte>();
        var indexEntries = new List<byte[]>();
        var indexRestarts = new List<uint>();
        int indexSize = 0;
        foreach ((byte[] block, byte[] lastKey) in dataBlocks)
        {
            byte[] handle = Handle(file.Count, block.Length);
            file.AddRange(WithTrailer(block));
            byte[] entry = Entry(0, lastKey, handle);
            indexRestarts.Add((uint)indexSize);
            indexEntries.Add(entry);
            indexSize += entry.Length;
        }

        byte[] meta = Block([], 0);
        byte[] metaHandle = Handle(file.Count, meta.Length);
        file.AddRange(WithTrailer(meta));

        byte[] index = Block(indexEntries, indexRestarts.Count == 0 ? [0] : [.. indexRestarts]);
        byte[] indexHandle = Handle(file.Count, index.Length);
        file.AddRange(WithTrailer(index));
        file.AddRange(Footer(metaHandle, indexHandle));
        return [.. file];
    }

    /// <summary>
    /// Checks a table without the plugin: the footer's magic, then the index block's and every data
    /// block's trailer CRC. Returns the number of data blocks.
    /// </summary>
    public static int VerifyChecksums(byte[] file)
    {
        file.Length.ShouldBeGreaterThanOrEqualTo(48);
        BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 8)).ShouldBe(0xdb4775248b80fb57UL);
        int pos = file.Length - 48;
        (long metaOffset, long metaSize) = (ReadVarint(file, ref pos), ReadVarint(file, ref pos));
        (long indexOffset, long indexSize) = (ReadVarint(file, ref pos), ReadVarint(file, ref pos));
        CheckTrailer(file, metaOffset, metaSize);
        CheckTrailer(file, indexOffset, indexSize);

        byte[] index = file[(int)indexOffset..(int)(indexOffset + indexSize)];
        int restarts = (int)BinaryPrimitives.ReadUInt32LittleEndian(index.AsSpan(index.Length - 4));
        int end = index.Length - 4 - (4 * restarts);
        int p = 0;
        int blocks = 0;
        while (p < end)
        {
            long shared = ReadVarint(index, ref p);
            long keyLength = ReadVarint(index, ref p);
            long valueLength = ReadVarint(index, ref p);
            shared.ShouldBe(0, "the index block has restart interval 1");
            p += (int)keyLength;
            int v = p;
            long offset = ReadVarint(index, ref v);
            long size = ReadVarint(index, ref v);
            CheckTrailer(file, offset, size);
            p += (int)valueLength;
            blocks++;
        }

        restarts.ShouldBe(blocks, "every index entry is a restart point");
        return blocks;
    }

    private static void CheckTrailer(byte[] file, long offset, long size)
    {
        file[offset + size].ShouldBe((byte)0, "TF bundles are uncompressed");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)(offset + size + 1)));
        stored.ShouldBe(Mask(Crc32C(file.AsSpan((int)offset, (int)size + 1))), $"masked CRC of the block at byte {offset}");
    }

    private static long ReadVarint(byte[] data, ref int pos)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
