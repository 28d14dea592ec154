using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Testing;
using Tensorflow;
using static Converters.Plugins.TensorFlow.Tests.Checkpoint.HandBuiltTable;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class CheckpointReaderTests : IDisposable
{
    // layer/w: DT_FLOAT [2] = {1.5, -2}; layer/x: DT_INT64 scalar = 7.
    private static readonly byte[] s_data = [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 7, 0, 0, 0, 0, 0, 0, 0];

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>
    /// A checkpoint built byte by byte from the published layout: protobuf fields hand-encoded
    /// (tag = field &lt;&lt; 3 | wire type), one data block with prefix-compressed keys.
    /// </summary>
    private string WriteHandBuilt(long wSize = 8, bool withData = true)
    {
        // BundleHeaderProto: num_shards(1)=1, version(3){producer(1)=1}
        byte[] header = [0x08, 0x01, 0x1a, 0x02, 0x08, 0x01];

        // BundleEntryProto: dtype(1)=DT_FLOAT, shape(2){dim(2){size(1)=2}}, size(5), crc32c(6, fixed32)
        byte[] w = [0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x28, (byte)wSize, 0x35, .. Fixed32(Mask(Crc32C(s_data.AsSpan(0, 8))))];

        // dtype=DT_INT64 (9), shape {} (present, empty), offset(4)=8, size=8, crc32c
        byte[] x = [0x08, 0x09, 0x12, 0x00, 0x20, 0x08, 0x28, 0x08, 0x35, .. Fixed32(Mask(Crc32C(s_data.AsSpan(8, 8))))];

        // "" (restart 0), "layer/w" (shares 0 with ""), "layer/x" (shares "layer/")
        byte[] block = Block([Entry(0, [], header), Entry(0, B("layer/w"), w), Entry(6, B("x"), x)], 0);
        _folder.WriteFile("hand.ckpt.index", Table((block, B("layer/x"))));
        if (withData)
        {
            _folder.WriteFile("hand.ckpt.data-00000-of-00001", s_data);
        }

        return _folder.Combine("hand.ckpt");
    }

    [Fact]
    public void ReadTensor_HandBuiltCheckpoint_ReadsValues()
    {
        // Given: the hand-built checkpoint
        string prefix = WriteHandBuilt();

        // When
        CheckpointReader reader = CheckpointReader.Open(prefix);
        CheckpointTensor w = reader.ReadTensor("layer/w");
        CheckpointTensor x = reader.ReadTensor("layer/x");

        // Then
        reader.TensorNames.ShouldBe(["layer/w", "layer/x"]);
        reader.Header.NumShards.ShouldBe(1);
        w.DataType.ShouldBe(DataType.DtFloat);
        w.Shape.ShouldBe([2L]);
        BitConverter.ToSingle(w.Data, 0).ShouldBe(1.5f);
        BitConverter.ToSingle(w.Data, 4).ShouldBe(-2f);
        x.DataType.ShouldBe(DataType.DtInt64);
        x.Shape.ShouldBeEmpty();
        BitConverter.ToInt64(x.Data).ShouldBe(7);
    }

    [Fact]
    public void Open_FolderWithCheckpointFile_ResolvesTheLatestPrefix()
    {
        // Given: two checkpoints; the state file names the second, with TF's quoting
        WriteHandBuilt();
        CheckpointWriter.Write(_folder.Combine("sub"), "other", [CheckpointTensors.Float("z", [1], 1)]);
        _folder.WriteText("checkpoint", "model_checkpoint_path: \"hand.ckpt\"\nall_model_checkpoint_paths: \"sub/other\"\nall_model_checkpoint_paths: \"hand.ckpt\"\n");

        // When
        CheckpointReader reader = CheckpointReader.Open(_folder.Path);

        // Then
        reader.Prefix.ShouldBe(_folder.Combine("hand.ckpt"));
        reader.TensorNames.ShouldContain("layer/w");
    }

    [Fact]
    public void Open_FolderWithoutCheckpointFile_NamesTheFileExpected()
    {
        // When: an empty folder is opened
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(_folder.Path));

        // Then
        ex.FilePath.ShouldBe(_folder.Combine("checkpoint"));
        ex.Message.ShouldContain("no 'checkpoint' file");
    }

    [Fact]
    public void Open_MissingIndex_NamesTheIndexFile()
    {
        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(_folder.Combine("nothing.ckpt")));

        // Then
        ex.FilePath.ShouldBe(_folder.Combine("nothing.ckpt.index"));
        ex.Message.ShouldContain(".index file does not exist");
    }

    [Fact]
    public void Open_TruncatedIndex_ReportsFileAndOffset()
    {
        // Given: the index cut to 30 bytes
        string prefix = WriteHandBuilt();
        byte[] index = File.ReadAllBytes(prefix + ".index");
        File.WriteAllBytes(prefix + ".index", index[..30]);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(prefix));

        // Then
        ex.FilePath.ShouldBe(prefix + ".index");
        ex.ByteOffset.ShouldBe(30);
        ex.FieldPath.ShouldBe("footer");
        ex.ToDiagnostic().ShouldBe($"{prefix}.index: byte 30: footer: the table has 30 bytes, fewer than its 48-byte footer; the file is truncated");
    }

    [Fact]
    public void Open_BadMagic_ReportsFileAndOffset()
    {
        // Given: the last byte of the magic changed
        string prefix = WriteHandBuilt();
        byte[] index = File.ReadAllBytes(prefix + ".index");
        index[^1] = 0;
        File.WriteAllBytes(prefix + ".index", index);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(prefix));

        // Then
        ex.FilePath.ShouldBe(prefix + ".index");
        ex.ByteOffset.ShouldBe(index.Length - 8);
        ex.FieldPath.ShouldBe("footer.magic");
    }

    [Fact]
    public void Open_CorruptIndexEntryByte_ReportsCrcMismatchOfTheBlock()
    {
        // Given: a byte inside the data block (the header entry's value) changed
        string prefix = WriteHandBuilt();
        byte[] index = File.ReadAllBytes(prefix + ".index");
        index[4] ^= 0x02;
        File.WriteAllBytes(prefix + ".index", index);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(prefix));

        // Then
        ex.FilePath.ShouldBe(prefix + ".index");
        ex.ByteOffset.ShouldBe(0);
        ex.FieldPath.ShouldBe("data_block[0].crc32c");
        ex.Message.ShouldContain("CRC mismatch");
    }

    [Fact]
    public void ReadTensor_MissingShard_NamesTheShardFile()
    {
        // Given: the checkpoint without its data file
        string prefix = WriteHandBuilt(withData: false);
        CheckpointReader reader = CheckpointReader.Open(prefix);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("layer/w"));

        // Then
        ex.FilePath.ShouldBe(prefix + ".data-00000-of-00001");
        ex.FieldPath.ShouldBe("layer/w");
        ex.Message.ShouldBe("the data shard 'hand.ckpt.data-00000-of-00001' that holds tensor 'layer/w' does not exist");
    }

    [Fact]
    public void ReadTensor_TensorNotInCheckpoint_NamesItAndListsWhatIs()
    {
        // Given
        CheckpointReader reader = CheckpointReader.Open(WriteHandBuilt());

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("layer/b"));

        // Then
        ex.FilePath.ShouldBe(reader.IndexPath);
        ex.FieldPath.ShouldBe("layer/b");
        ex.Message.ShouldBe("tensor 'layer/b' is not in the checkpoint; it has 'layer/w', 'layer/x'");
    }

    [Fact]
    public void ReadTensor_EntrySizeDisagreesWithShape_NamesTheTensor()
    {
        // Given: layer/w's entry says 12 bytes for float[2]
        CheckpointReader reader = CheckpointReader.Open(WriteHandBuilt(wSize: 12));

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("layer/w"));

        // Then
        ex.FilePath.ShouldBe(reader.IndexPath);
        ex.FieldPath.ShouldBe("layer/w.size");
        ex.Message.ShouldBe("tensor 'layer/w' (DT_FLOAT, shape [2]) should have 8 bytes, but its entry says 12");
    }

    [Fact]
    public void ReadTensor_CorruptDataByte_NamesTensorAndOffset()
    {
        // Given: a written checkpoint with one byte of its second tensor flipped
        CheckpointWriter.Write(_folder.Path, "m", [CheckpointTensors.Float("a", [4], 1), CheckpointTensors.Float("b", [8], 2)]);
        string shard = _folder.Combine("m.data-00000-of-00001");
        byte[] data = File.ReadAllBytes(shard);
        data[16 + 5] ^= 0x10;
        File.WriteAllBytes(shard, data);
        CheckpointReader reader = CheckpointReader.Open(_folder.Path);

        // When
        reader.ReadTensor("a").Data.Length.ShouldBe(16);
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("b"));

        // Then: the shard file, tensor b's offset, its name
        ex.FilePath.ShouldBe(shard);
        ex.ByteOffset.ShouldBe(16);
        ex.FieldPath.ShouldBe("b");
        ex.Message.ShouldStartWith("CRC mismatch in tensor 'b' (bytes 16 to 48)");
    }

    [Fact]
    public void ReadTensor_TruncatedShard_SaysWhatTheTensorNeeds()
    {
        // Given: the data file cut to 12 bytes
        string prefix = WriteHandBuilt();
        File.WriteAllBytes(prefix + ".data-00000-of-00001", s_data[..12]);
        CheckpointReader reader = CheckpointReader.Open(prefix);

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("layer/x"));

        // Then
        ex.ByteOffset.ShouldBe(12);
        ex.FieldPath.ShouldBe("layer/x");
        ex.Message.ShouldContain("the data shard has 12 bytes, but tensor 'layer/x' needs bytes 8 to 16");
    }

    [Fact]
    public void Open_IndexWithoutHeaderEntry_SaysTheHeaderIsMissing()
    {
        // Given: a table whose only key is "w"
        byte[] block = Block([Entry(0, B("w"), [0x08, 0x01])], 0);
        string path = _folder.WriteFile("x.index", Table((block, B("w"))));

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointReader.Open(path));

        // Then
        ex.FilePath.ShouldBe(path);
        ex.FieldPath.ShouldBe("header");
        ex.Message.ShouldContain("no header entry");
    }

    /// <summary>A DT_STRING tensor {"ab", "", "xyz"} laid out as TF's WriteStringTensor does, in its own checkpoint.</summary>
    private string WriteHandBuiltStrings(bool corruptLengthChecksum = false)
    {
        byte[] lengthsAsUint32 = [.. Fixed32(2), .. Fixed32(0), .. Fixed32(3)];
        byte[] checksum = Fixed32(Mask(Crc32C(lengthsAsUint32)));
        if (corruptLengthChecksum)
        {
            checksum[0] ^= 1;
        }

        byte[] stored = [0x02, 0x00, 0x03, .. checksum, .. B("abxyz")];
        uint entryCrc = Mask(Crc32C([.. lengthsAsUint32, .. checksum, .. B("abxyz")]));

        // dtype = DT_STRING (7), shape {dim {size 3}}, size, crc32c
        byte[] entry = [0x08, 0x07, 0x12, 0x04, 0x12, 0x02, 0x08, 0x03, 0x28, (byte)stored.Length, 0x35, .. Fixed32(entryCrc)];
        byte[] header = [0x08, 0x01, 0x1a, 0x02, 0x08, 0x01];
        byte[] block = Block([Entry(0, [], header), Entry(0, B("s"), entry)], 0);
        _folder.WriteFile("str.index", Table((block, B("s"))));
        _folder.WriteFile("str.data-00000-of-00001", stored);
        return _folder.Combine("str");
    }

    [Fact]
    public void ReadTensor_HandBuiltStringTensor_ReadsTheStrings()
    {
        // Given
        CheckpointReader reader = CheckpointReader.Open(WriteHandBuiltStrings());

        // When
        CheckpointTensor s = reader.ReadTensor("s");

        // Then
        s.DataType.ShouldBe(DataType.DtString);
        s.Shape.ShouldBe([3L]);
        s.Strings.ShouldNotBeNull().Select(Encoding.ASCII.GetString).ShouldBe(["ab", "", "xyz"]);
    }

    [Fact]
    public void ReadTensor_StringLengthChecksumCorrupt_NamesTensorAndOffset()
    {
        // Given: the lengths' checksum (at byte 3 of the tensor) changed
        CheckpointReader reader = CheckpointReader.Open(WriteHandBuiltStrings(corruptLengthChecksum: true));

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => reader.ReadTensor("s"));

        // Then
        ex.FilePath.ShouldBe(_folder.Combine("str.data-00000-of-00001"));
        ex.ByteOffset.ShouldBe(3);
        ex.FieldPath.ShouldBe("s");
        ex.Message.ShouldContain("string tensor 's' is corrupt: the string lengths' checksum");
    }

    [Fact]
    public void ReadTensor_TwoShards_ReadsFromTheEntrysShard()
    {
        // Given: header num_shards = 2; "a" = float[1] {3} in shard 1 at offset 4 (shard 0 is absent)
        byte[] value = [0x00, 0x00, 0x40, 0x40];
        byte[] header = [0x08, 0x02, 0x1a, 0x02, 0x08, 0x01];
        byte[] entry = [0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01, 0x18, 0x01, 0x20, 0x04, 0x28, 0x04, 0x35, .. Fixed32(Mask(Crc32C(value)))];
        _folder.WriteFile("two.index", Table((Block([Entry(0, [], header), Entry(0, B("a"), entry)], 0), B("a"))));
        _folder.WriteFile("two.data-00001-of-00002", [0xEE, 0xEE, 0xEE, 0xEE, .. value]);

        // When
        CheckpointTensor a = CheckpointReader.Open(_folder.Combine("two")).ReadTensor("a");

        // Then
        BitConverter.ToSingle(a.Data).ShouldBe(3f);
    }
}
