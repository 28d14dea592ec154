using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Testing;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class CheckpointWriterTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static List<CheckpointTensor> MixedTensors() =>
    [
        CheckpointTensors.Float("conv1/weights", [3, 3, 3, 16], 1),
        CheckpointTensors.Float("conv1/biases", [16], 2),
        CheckpointTensors.Int32("global_step_int", [], 3),
        CheckpointTensors.Int64("global_step", [], 4),
        CheckpointTensors.Int64("counts", [2, 5], 5),
        CheckpointTensors.Float("empty", [0], 6),
        CheckpointTensors.Int32("empty_3d", [2, 0, 3], 7),
        CheckpointTensors.Float("fc/weights", [64, 10], 8),
        CheckpointTensors.Float("\u00e9t\u00e9/w", [2], 9),
        new CheckpointTensor("_CHECKPOINTABLE_OBJECT_GRAPH", DataType.DtString, [], [], [[0x0a, 0x00, 0xff]]),
        new CheckpointTensor("names", DataType.DtString, [2, 2], [], [Encoding.UTF8.GetBytes("conv"), [], Encoding.UTF8.GetBytes("fc/weights"), new byte[300]]),
    ];

    [Fact]
    public void Write_MixedTypesAndShapes_ReadsBackIdentical()
    {
        // Given: float32, int32, int64 and string tensors, scalars, empty tensors and a non-ASCII name
        List<CheckpointTensor> tensors = MixedTensors();

        // When: written and read back through the folder's checkpoint file
        CheckpointWriter.Write(_folder.Path, "model.ckpt", tensors);
        CheckpointReader reader = CheckpointReader.Open(_folder.Path);

        // Then: the same names in byte order, and every tensor identical
        reader.Prefix.ShouldBe(_folder.Combine("model.ckpt"));
        reader.TensorNames.ShouldBe(tensors.Select(t => t.Name).OrderBy(n => Encoding.UTF8.GetBytes(n), ByteOrder.Instance));
        foreach (CheckpointTensor expected in tensors)
        {
            CheckpointTensor actual = reader.ReadTensor(expected.Name);
            actual.DataType.ShouldBe(expected.DataType);
            actual.Shape.ShouldBe(expected.Shape);
            actual.Data.ShouldBe(expected.Data);
            (actual.Strings?.Count).ShouldBe(expected.Strings?.Count);
            for (int i = 0; i < (expected.Strings?.Count ?? 0); i++)
            {
                actual.Strings![i].ShouldBe(expected.Strings![i]);
            }
        }
    }

    [Fact]
    public void Write_ManyTensorsSmallBlocks_IndexSpansSeveralBlocksAndRestarts()
    {
        // Given: 400 tensors and a 1 KiB block size, so the index has many data blocks, each with several restarts
        var tensors = Enumerable.Range(0, 400).Select(i => CheckpointTensors.Float($"layer_{i % 37}/var_{i:D4}", [i % 5, 3], i)).ToList();

        // When: written, checked by the hand-written checker, and read back
        CheckpointWriter.Write(_folder.Path, "many.ckpt", tensors, blockSize: 1024);
        byte[] index = File.ReadAllBytes(_folder.Combine("many.ckpt.index"));
        int blocks = HandBuiltTable.VerifyChecksums(index);
        CheckpointReader reader = CheckpointReader.Open(_folder.Combine("many.ckpt"));

        // Then: several blocks, all tensors identical
        blocks.ShouldBeGreaterThan(10);
        reader.TensorNames.Count.ShouldBe(400);
        foreach (CheckpointTensor expected in tensors)
        {
            reader.ReadTensor(expected.Name).Data.ShouldBe(expected.Data);
        }
    }

    [Fact]
    public void Write_DefaultOptions_FilesFollowTheBundleLayout()
    {
        // Given: the mixed tensors without the strings (stored with their own layout)
        List<CheckpointTensor> tensors = [.. MixedTensors().Where(t => t.DataType != DataType.DtString)];

        // When: written with TF's defaults
        IReadOnlyList<string> files = CheckpointWriter.Write(_folder.Path, "model.ckpt", tensors);

        // Then: three files; one data block; the data file is the tensors' bytes concatenated in key order;
        // the checkpoint file names the prefix
        files.Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index"]);
        HandBuiltTable.VerifyChecksums(File.ReadAllBytes(_folder.Combine("model.ckpt.index"))).ShouldBe(1);
        byte[] expectedData = [.. tensors.OrderBy(t => Encoding.UTF8.GetBytes(t.Name), ByteOrder.Instance).SelectMany(t => t.Data)];
        File.ReadAllBytes(_folder.Combine("model.ckpt.data-00000-of-00001")).ShouldBe(expectedData);
        File.ReadAllText(_folder.Combine("checkpoint")).ShouldBe("model_checkpoint_path: \"model.ckpt\"\nall_model_checkpoint_paths: \"model.ckpt\"\n");
        Directory.GetFiles(_folder.Path, ".*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void Write_HeaderAndEntry_HaveTheFieldsTensorFlowWrites()
    {
        // Given: one float tensor
        CheckpointTensor tensor = CheckpointTensors.Float("w", [2, 3], 1);

        // When
        CheckpointWriter.Write(_folder.Path, "m", [tensor]);
        CheckpointReader reader = CheckpointReader.Open(_folder.Combine("m.index"));

        // Then: header num_shards 1, little endian, version producer 1; entry offset 0, size 24, masked CRC of the bytes
        reader.Header.NumShards.ShouldBe(1);
        reader.Header.Endianness.ShouldBe(BundleHeaderProto.Types.Endianness.Little);
        reader.Header.Version.Producer.ShouldBe(1);
        BundleEntryProto entry = reader.GetEntry("w");
        entry.Dtype.ShouldBe(DataType.DtFloat);
        entry.Shape.Dim.Select(d => d.Size).ShouldBe([2L, 3L]);
        entry.ShardId.ShouldBe(0);
        entry.Offset.ShouldBe(0);
        entry.Size.ShouldBe(24);
        entry.Crc32C.ShouldBe(HandBuiltTable.Mask(HandBuiltTable.Crc32C(tensor.Data)));
    }

    [Fact]
    public void Write_DuplicateName_ThrowsAndLeavesNoFiles()
    {
        // Given: two tensors with one name
        CheckpointTensor[] tensors = [CheckpointTensors.Float("w", [1], 1), CheckpointTensors.Float("w", [1], 2)];

        // When
        var ex = Should.Throw<ArgumentException>(() => CheckpointWriter.Write(_folder.Path, "m", tensors));

        // Then
        ex.Message.ShouldContain("'w' appears more than once");
        Directory.GetFileSystemEntries(_folder.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Write_DataSizeDisagreesWithShape_Throws()
    {
        // Given: a [2, 2] float tensor with 12 bytes
        var tensor = new CheckpointTensor("w", DataType.DtFloat, [2, 2], new byte[12]);

        // When / Then
        Should.Throw<ArgumentException>(() => CheckpointWriter.Write(_folder.Path, "m", [tensor])).Message.ShouldContain("type and shape need 16");
    }

    [Fact]
    public void Write_ExistingCheckpoint_IsReplaced()
    {
        // Given: a checkpoint already in the folder
        CheckpointWriter.Write(_folder.Path, "m", [CheckpointTensors.Float("old", [4], 1)]);

        // When: another is written with the same prefix
        CheckpointWriter.Write(_folder.Path, "m", [CheckpointTensors.Float("new", [2], 2)]);

        // Then: only the new tensor is there
        CheckpointReader.Open(_folder.Path).TensorNames.ShouldBe(["new"]);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static ByteOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
