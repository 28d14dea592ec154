using Converters.Ir.Npy;
using Converters.Testing;

namespace Converters.Ir.Tests.Npy;

public sealed class NpyRoundTripTests
{
    public static TheoryData<DataType, string> TypesAndShapes()
    {
        var data = new TheoryData<DataType, string>();
        foreach (DataType type in NpyPattern.AllTypes)
        {
            foreach (string shape in NpyPattern.Shapes)
            {
                data.Add(type, shape);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypesAndShapes))]
    public void WriteThenRead_Stream_SameTypeShapeAndBytes(DataType dataType, string shape)
    {
        // Given a pattern tensor
        TensorData tensor = NpyPattern.Create(dataType, NpyPattern.ParseShape(shape));

        // When it is written to a stream and read back
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, tensor);
        stream.Position = 0;
        TensorData read = NpyReader.Read(stream, "memory.npy");

        // Then type, shape and bytes are the same, and the data starts on a 64-byte boundary
        read.DataType.ShouldBe(dataType);
        read.Shape.ShouldBe(tensor.Shape);
        read.ContentEquals(tensor).ShouldBeTrue();
        (stream.Length - tensor.ByteCount).ShouldBe(NpyBytes.DataStart(stream.ToArray()));
        (NpyBytes.DataStart(stream.ToArray()) % 64).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(TypesAndShapes))]
    public void WriteThenRead_File_SameTypeShapeAndBytes(DataType dataType, string shape)
    {
        // Given a pattern tensor and a folder
        TensorData tensor = NpyPattern.Create(dataType, NpyPattern.ParseShape(shape));
        using var folder = new TempDirectory();
        string path = folder.Combine("tensor.npy");

        // When it is written to a file and read back
        NpyWriter.Write(path, tensor);
        TensorData read = NpyReader.Read(path);

        // Then the tensor is the same and only the final file is in the folder
        read.ContentEquals(tensor).ShouldBeTrue();
        Directory.GetFiles(folder.Path).ShouldBe([path]);
        new FileInfo(path).Length.ShouldBe(NpyBytes.DataStart(File.ReadAllBytes(path)) + tensor.ByteCount);
    }

    [Theory]
    [MemberData(nameof(TypesAndShapes))]
    public void WriteThenRead_ForwardOnlyStream_SameBytes(DataType dataType, string shape)
    {
        // Given the bytes of a pattern tensor served a few at a time by a non-seekable stream
        TensorData tensor = NpyPattern.Create(dataType, NpyPattern.ParseShape(shape));
        using var buffer = new MemoryStream();
        NpyWriter.Write(buffer, tensor);
        using var stream = new ForwardOnlyStream(buffer.ToArray());

        // When it is read
        TensorData read = NpyReader.Read(stream, null);

        // Then the tensor is the same
        read.ContentEquals(tensor).ShouldBeTrue();
    }

    [Fact]
    public void WriteThenRead_TensorOverTheHugePageThreshold_SameBytes()
    {
        // Given a 5.5 MB float32 tensor, large enough for the reader's huge-page hint
        TensorData tensor = NpyPattern.Create(DataType.Float32, TensorShape.Of(1, 8, 416, 416));
        tensor.ByteCount.ShouldBeGreaterThan(NpyHugePages.MinimumBytes);
        using var folder = new TempDirectory();
        string path = folder.Combine("large.npy");

        // When it is written and read back
        NpyWriter.Write(path, tensor);
        TensorData read = NpyReader.Read(path);

        // Then the bytes are the same
        read.ContentEquals(tensor).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    public void AdviseHugePages_AnyAlignmentOrSize_LeavesContentAlone(int offset)
    {
        // Given a buffer with content, viewed from an unaligned offset
        byte[] buffer = new byte[(6 << 20) + offset];
        buffer.AsSpan().Fill(0x5A);

        // When the hint is given for it, and for a buffer under the threshold
        NpyHugePages.Advise(buffer.AsSpan(offset));
        NpyHugePages.Advise(buffer.AsSpan(0, 100));

        // Then nothing changed
        buffer.AsSpan().IndexOfAnyExcept((byte)0x5A).ShouldBe(-1);
    }
}
