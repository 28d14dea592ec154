using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;
using static Converters.Plugins.TensorFlow.Tests.Checkpoint.HandBuiltTable;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class TableReaderTests
{
    private const string Path = "hand.index";

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void ReadAll_OneBlockTwoEntriesOneRestart_ReadsPrefixCompressedKeys()
    {
        // Given: one data block with "apple"->"1" and "apricot"->"22" (shares "ap"), restart array [0]
        byte[] block = Block([Entry(0, B("apple"), B("1")), Entry(2, B("ricot"), B("22"))], 0);
        byte[] table = Table((block, B("apricot")));

        // When: read
        List<TableEntry> entries = TableReader.ReadAll(table, Path);

        // Then: both keys come back whole, with their values and the block's offset (0)
        entries.Select(e => Encoding.ASCII.GetString(e.Key)).ShouldBe(["apple", "apricot"]);
        entries.Select(e => Encoding.ASCII.GetString(e.Value)).ShouldBe(["1", "22"]);
        entries.ShouldAllBe(e => e.BlockOffset == 0);
    }

    [Fact]
    public void ReadAll_TwoBlocksWithSeveralRestarts_ReadsAllInOrder()
    {
        // Given: block 1 with restart interval 2 (restarts at entries 0 and 2), block 2 with one restart
        byte[] e0 = Entry(0, B("k01"), B("a"));
        byte[] e1 = Entry(2, B("2"), B("bb"));
        byte[] e2 = Entry(0, B("k03"), B("ccc"));
        byte[] e3 = Entry(1, B("04"), []);
        byte[] block1 = Block([e0, e1, e2, e3], 0, (uint)(e0.Length + e1.Length));
        byte[] block2 = Block([Entry(0, B("z"), B("last"))], 0);
        byte[] table = Table((block1, B("k04")), (block2, B("z")));

        // When: read
        List<TableEntry> entries = TableReader.ReadAll(table, Path);

        // Then: five entries in order; the second block starts after the first and its trailer
        entries.Select(e => Encoding.ASCII.GetString(e.Key)).ShouldBe(["k01", "k02", "k03", "k04", "z"]);
        entries.Select(e => Encoding.ASCII.GetString(e.Value)).ShouldBe(["a", "bb", "ccc", "", "last"]);
        entries[4].BlockOffset.ShouldBe(block1.Length + 5);
    }

    [Fact]
    public void ReadAll_EmptyTable_HasNoEntries()
    {
        // Given: a table with no data block (empty index and metaindex)
        byte[] table = Table();

        // When / Then
        TableReader.ReadAll(table, Path).ShouldBeEmpty();
    }

    [Fact]
    public void ReadAll_ShorterThanFooter_SaysTruncated()
    {
        // Given: 47 bytes
        byte[] table = Table((Block([Entry(0, B("a"), B("1"))], 0), B("a")))[..47];

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.FilePath.ShouldBe(Path);
        ex.ByteOffset.ShouldBe(47);
        ex.FieldPath.ShouldBe("footer");
        ex.Message.ShouldContain("fewer than its 48-byte footer");
    }

    [Fact]
    public void ReadAll_TruncatedByOneByte_ReportsTheMagicWhereItShouldBe()
    {
        // Given: a valid table without its last byte
        byte[] full = Table((Block([Entry(0, B("a"), B("1"))], 0), B("a")));
        byte[] table = full[..^1];

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.ByteOffset.ShouldBe(table.Length - 8);
        ex.FieldPath.ShouldBe("footer.magic");
        ex.Message.ShouldContain("expected the table magic 0xdb4775248b80fb57");
        ex.Message.ShouldContain("truncated");
    }

    [Fact]
    public void ReadAll_BadMagic_SaysExpectedAndFound()
    {
        // Given: the magic's first byte changed from 0x57 to 0x58
        byte[] table = Table((Block([Entry(0, B("a"), B("1"))], 0), B("a")));
        table[^8] = 0x58;

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.ByteOffset.ShouldBe(table.Length - 8);
        ex.FieldPath.ShouldBe("footer.magic");
        ex.Message.ShouldContain("found 0xdb4775248b80fb58");
    }

    [Fact]
    public void ReadAll_FlippedByteInSecondDataBlock_NamesTheBlockAndItsOffset()
    {
        // Given: two data blocks; one byte of the second block's value is changed
        byte[] block1 = Block([Entry(0, B("a"), B("1"))], 0);
        byte[] block2 = Block([Entry(0, B("b"), B("2"))], 0);
        byte[] table = Table((block1, B("a")), (block2, B("b")));
        int second = block1.Length + 5;
        table[second + 4] ^= 0x01;

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then: block 1 (0-based) at its offset, with the trailer's position
        ex.FilePath.ShouldBe(Path);
        ex.ByteOffset.ShouldBe(second);
        ex.FieldPath.ShouldBe("data_block[1].crc32c");
        ex.Message.ShouldContain($"CRC mismatch in the block of {block2.Length} bytes at byte {second}");
        ex.Message.ShouldContain($"trailer at byte {second + block2.Length + 1}");
    }

    [Fact]
    public void ReadAll_CorruptIndexBlockCrc_NamesTheIndexBlock()
    {
        // Given: a table whose last byte before the footer (the index trailer's CRC) is changed
        byte[] table = Table((Block([Entry(0, B("a"), B("1"))], 0), B("a")));
        table[^49] ^= 0x80;

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.FieldPath.ShouldBe("index_block.crc32c");
    }

    [Fact]
    public void ReadAll_RestartNotAtAnEntry_NamesTheRestart()
    {
        // Given: a block whose second restart (1) points inside the first entry (CRC is valid)
        byte[] block = Block([Entry(0, B("a"), B("1")), Entry(0, B("b"), B("2"))], 0, 1);
        byte[] table = Table((block, B("b")));

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.FieldPath.ShouldBe("data_block[0].restarts[1]");
        ex.Message.ShouldContain("is not the start of an entry");
    }

    [Fact]
    public void ReadAll_KeysOutOfOrder_NamesBothKeys()
    {
        // Given: "b" before "a" in one block
        byte[] block = Block([Entry(0, B("b"), B("1")), Entry(0, B("a"), B("2"))], 0);
        byte[] table = Table((block, B("b")));

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.Message.ShouldContain("key \"a\" does not sort after the previous key \"b\"");
    }

    [Fact]
    public void ReadAll_UnknownCompression_SaysWhichTypes()
    {
        // Given: a data block stored with compression type 2 (and a CRC that matches it)
        byte[] block = Block([Entry(0, B("a"), B("1"))], 0);
        byte[] table = Table((block, B("a")));
        table[block.Length] = 2;
        byte[] crc = Fixed32(Mask(Crc32C(table.AsSpan(0, block.Length + 1))));
        crc.CopyTo(table, block.Length + 1);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => TableReader.ReadAll(table, Path));

        // Then
        ex.ByteOffset.ShouldBe(block.Length);
        ex.FieldPath.ShouldBe("data_block[0].compression");
        ex.Message.ShouldContain("unknown block compression type 2");
    }

    [Fact]
    public void ReadAll_SnappyBlock_Decompresses()
    {
        // Given: a data block compressed as one Snappy literal (type byte 1)
        byte[] raw = Block([Entry(0, B("key"), B("value"))], 0);
        byte[] snappy = [.. Varint((ulong)raw.Length), (byte)((raw.Length - 1) << 2), .. raw];
        byte[] covered = [.. snappy, 1];
        byte[] stored = [.. covered, .. Fixed32(Mask(Crc32C(covered)))];
        byte[] meta = Block([], 0);
        byte[] index = Block([Entry(0, B("key"), Handle(0, snappy.Length))], 0);
        int metaOffset = stored.Length;
        int indexOffset = metaOffset + meta.Length + 5;
        byte[] table = [.. stored, .. WithTrailer(meta), .. WithTrailer(index), .. Footer(Handle(metaOffset, meta.Length), Handle(indexOffset, index.Length))];

        // When
        List<TableEntry> entries = TableReader.ReadAll(table, Path);

        // Then
        entries.Count.ShouldBe(1);
        Encoding.ASCII.GetString(entries[0].Value).ShouldBe("value");
    }
}
