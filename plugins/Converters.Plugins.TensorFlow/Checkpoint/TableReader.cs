using System.Buffers.Binary;
using System.Globalization;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Reads a whole LevelDB-format table (TensorFlow's <c>.index</c>) held in memory and checks
/// everything it can: the footer's magic and handles, every block's bounds and masked CRC32C, the
/// entry encoding and restart array of every block, and that keys strictly increase in byte order.
/// Uncompressed and Snappy blocks are read; filter blocks named in the metaindex are ignored.
/// </summary>
internal static class TableReader
{
    /// <summary>All entries of the table at <paramref name="path"/> whose bytes are <paramref name="file"/>, in key order.</summary>
    /// <exception cref="CheckpointFormatException">The table is truncated or corrupt; the message names the block and its offset.</exception>
    public static List<TableEntry> ReadAll(ReadOnlySpan<byte> file, string path)
    {
        if (file.Length < TableFormat.FooterLength)
        {
            CheckpointThrowHelper.Throw(path, file.Length, "footer", Invariant($"the table has {file.Length} bytes, fewer than its 48-byte footer; the file is truncated"));
        }

        long footerStart = file.Length - TableFormat.FooterLength;
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(file[^8..]);
        if (magic != TableFormat.Magic)
        {
            CheckpointThrowHelper.Throw(path, file.Length - 8, "footer.magic", Invariant($"expected the table magic 0x{TableFormat.Magic:x16}, found 0x{magic:x16}; the file is truncated or is not a LevelDB table"));
        }

        ReadOnlySpan<byte> footer = file.Slice((int)footerStart, TableFormat.FooterLength - 8);
        if (!BlockHandle.TryDecode(footer, out BlockHandle metaindex, out int used))
        {
            CheckpointThrowHelper.Throw(path, footerStart, "footer.metaindex_handle", "the footer's metaindex block handle (two varint64) is malformed");
        }

        if (!BlockHandle.TryDecode(footer[used..], out BlockHandle index, out _))
        {
            CheckpointThrowHelper.Throw(path, footerStart + used, "footer.index_handle", "the footer's index block handle (two varint64) is malformed");
        }

        // The metaindex only names filter blocks (none in TF bundles); its CRC and layout are still checked.
        byte[] metaBlock = ReadBlock(file, footerStart, metaindex, path, "metaindex_block");
        ParseBlock(metaBlock, path, (long)metaindex.Offset, "metaindex_block");

        byte[] indexBlock = ReadBlock(file, footerStart, index, path, "index_block");
        List<(byte[] Key, byte[] Value, long Offset)> indexEntries = ParseBlock(indexBlock, path, (long)index.Offset, "index_block");

        var entries = new List<TableEntry>();
        byte[]? previous = null;
        for (int k = 0; k < indexEntries.Count; k++)
        {
            (byte[] separator, byte[] value, long entryOffset) = indexEntries[k];
            string field = Invariant($"data_block[{k}]");
            if (!BlockHandle.TryDecode(value, out BlockHandle handle, out int consumed) || consumed != value.Length)
            {
                CheckpointThrowHelper.Throw(path, entryOffset, $"index_block.entry[{k}]", Invariant($"the index entry for data block {k} does not hold a block handle (two varint64)"));
            }

            byte[] block = ReadBlock(file, footerStart, handle, path, field);
            List<(byte[] Key, byte[] Value, long Offset)> blockEntries = ParseBlock(block, path, (long)handle.Offset, field);
            foreach ((byte[] key, byte[] val, long offset) in blockEntries)
            {
                if (previous is not null && key.AsSpan().SequenceCompareTo(previous) <= 0)
                {
                    CheckpointThrowHelper.Throw(path, offset, field, Invariant($"key \"{Printable(key)}\" does not sort after the previous key \"{Printable(previous)}\"; keys must strictly increase"));
                }

                previous = key;
                entries.Add(new TableEntry(key, val, (long)handle.Offset));
            }

            if (blockEntries.Count > 0 && separator.AsSpan().SequenceCompareTo(blockEntries[^1].Key) < 0)
            {
                CheckpointThrowHelper.Throw(path, entryOffset, $"index_block.entry[{k}]", Invariant($"the index key \"{Printable(separator)}\" sorts before the last key \"{Printable(blockEntries[^1].Key)}\" of data block {k}"));
            }
        }

        return entries;
    }

    /// <summary>Reads the block at <paramref name="handle"/>, checks its trailer's CRC, and decompresses it.</summary>
    private static byte[] ReadBlock(ReadOnlySpan<byte> file, long limit, BlockHandle handle, string path, string field)
    {
        if (handle.Offset > (ulong)limit || handle.Size > (ulong)limit - handle.Offset || handle.Size + TableFormat.BlockTrailerLength > (ulong)limit - handle.Offset)
        {
            CheckpointThrowHelper.Throw(path, handle.Offset > (ulong)limit ? limit : (long)handle.Offset, field, Invariant($"the block of {handle.Size} bytes (+5-byte trailer) at byte {handle.Offset} runs past the footer at byte {limit}; the file is truncated or the handle is corrupt"));
        }

        int offset = (int)handle.Offset;
        int size = (int)handle.Size;
        ReadOnlySpan<byte> contents = file.Slice(offset, size);
        byte type = file[offset + size];
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + size + 1)..]);
        uint actual = Crc32C.Append(Crc32C.Compute(contents), file.Slice(offset + size, 1));
        if (Crc32C.Unmask(stored) != actual)
        {
            CheckpointThrowHelper.Throw(path, offset, field + ".crc32c", Invariant($"CRC mismatch in the block of {size} bytes at byte {offset}: the trailer at byte {offset + size + 1} stores masked CRC32C 0x{stored:x8}, the contents give 0x{Crc32C.Mask(actual):x8}; the file is corrupt"));
        }

        switch (type)
        {
            case TableFormat.NoCompression:
                return contents.ToArray();
            case TableFormat.SnappyCompression:
                return SnappyDecoder.TryDecompress(contents, out string? error)
                    ?? throw CheckpointThrowHelper.Create(path, offset, field, $"the Snappy-compressed block at byte {offset} is corrupt: {error}");
            default:
                throw CheckpointThrowHelper.Create(path, offset + size, field + ".compression", Invariant($"unknown block compression type {type}; expected 0 (none) or 1 (Snappy)"));
        }
    }

    /// <summary>Decodes a block's entries; offsets are file offsets when the block is stored uncompressed.</summary>
    private static List<(byte[] Key, byte[] Value, long Offset)> ParseBlock(byte[] block, string path, long blockOffset, string field)
    {
        if (block.Length < 4)
        {
            CheckpointThrowHelper.Throw(path, blockOffset, field, Invariant($"the block has {block.Length} bytes, too few for its restart count"));
        }

        uint restartCount = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(block.Length - 4));
        if (restartCount == 0 || restartCount > (uint)(block.Length - 4) / 4)
        {
            CheckpointThrowHelper.Throw(path, blockOffset + block.Length - 4, field + ".num_restarts", Invariant($"the block of {block.Length} bytes claims {restartCount} restart points; expected 1 to {(block.Length - 4) / 4}"));
        }

        int restartsStart = block.Length - 4 - ((int)restartCount * 4);
        var restarts = new uint[restartCount];
        for (int r = 0; r < restarts.Length; r++)
        {
            restarts[r] = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(restartsStart + (4 * r)));
        }

        var entries = new List<(byte[], byte[], long)>();
        byte[] key = [];
        int pos = 0;
        int nextRestart = 0;
        while (pos < restartsStart)
        {
            long at = blockOffset + pos;
            ReadOnlySpan<byte> rest = block.AsSpan(pos, restartsStart - pos);
            if (!TableVarint.TryRead32(rest, out uint shared, out int a)
                || !TableVarint.TryRead32(rest[a..], out uint nonShared, out int b)
                || !TableVarint.TryRead32(rest[(a + b)..], out uint valueLength, out int c))
            {
                throw CheckpointThrowHelper.Create(path, at, Invariant($"{field}.entry[{entries.Count}]"), "the entry's lengths (three varint32) are malformed or cut off");
            }

            int header = a + b + c;
            if (shared > key.Length || (long)nonShared + valueLength > rest.Length - header)
            {
                CheckpointThrowHelper.Throw(path, at, Invariant($"{field}.entry[{entries.Count}]"), Invariant($"the entry shares {shared} key bytes (previous key has {key.Length}) and has {nonShared} key + {valueLength} value bytes, but only {rest.Length - header} bytes remain before the restart array"));
            }

            if (nextRestart < restarts.Length && restarts[nextRestart] == (uint)pos)
            {
                if (shared != 0)
                {
                    CheckpointThrowHelper.Throw(path, at, Invariant($"{field}.entry[{entries.Count}]"), Invariant($"the entry at restart point {nextRestart} shares {shared} bytes with the previous key; a restart entry must hold its full key"));
                }

                nextRestart++;
            }
            else if (nextRestart < restarts.Length && restarts[nextRestart] < (uint)pos)
            {
                CheckpointThrowHelper.Throw(path, blockOffset + restartsStart + (4 * nextRestart), Invariant($"{field}.restarts[{nextRestart}]"), Invariant($"restart point {nextRestart} = {restarts[nextRestart]} is not the start of an entry"));
            }

            var next = new byte[shared + nonShared];
            key.AsSpan(0, (int)shared).CopyTo(next);
            rest.Slice(header, (int)nonShared).CopyTo(next.AsSpan((int)shared));
            byte[] value = rest.Slice(header + (int)nonShared, (int)valueLength).ToArray();
            entries.Add((next, value, at));
            key = next;
            pos += header + (int)nonShared + (int)valueLength;
        }

        // An empty block has the single restart point 0; otherwise every restart point must have matched an entry.
        bool emptyBlock = entries.Count == 0 && restartCount == 1 && restarts[0] == 0;
        if (!emptyBlock && nextRestart != restarts.Length)
        {
            CheckpointThrowHelper.Throw(path, blockOffset + restartsStart + (4 * nextRestart), Invariant($"{field}.restarts[{nextRestart}]"), Invariant($"restart point {nextRestart} = {restarts[nextRestart]} is not the start of an entry"));
        }

        return entries;
    }

    /// <summary>A key for a message: printable ASCII as is, other bytes as \xNN, cut after 80 characters.</summary>
    public static string Printable(ReadOnlySpan<byte> key)
    {
        var sb = new System.Text.StringBuilder();
        foreach (byte b in key)
        {
            if (sb.Length > 80)
            {
                sb.Append('…');
                break;
            }

            if (b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return sb.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
