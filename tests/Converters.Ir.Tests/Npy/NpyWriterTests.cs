using System.Text;
using Converters.Ir.Npy;
using Converters.Testing;

namespace Converters.Ir.Tests.Npy;

public sealed class NpyWriterTests
{
    [Fact]
    public void Write_Float32Image_HeaderAsNumpyWritesIt()
    {
        // Given a 1x3x416x416 float32 tensor
        TensorData tensor = TensorData.Zeros(DataType.Float32, TensorShape.Of(1, 3, 416, 416));

        // When it is written
        byte[] file = WriteToBytes(tensor);

        // Then the preamble is version 1.0, the header length is 118 and the dict is followed by
        // numpy's 20 spare spaces for the growth axis, padding and a final '\n'
        file.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        (file[8] | (file[9] << 8)).ShouldBe(118);
        string header = Encoding.ASCII.GetString(file, 10, 118);
        header.ShouldBe("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 416, 416), }" + new string(' ', 48) + "\n");
        file.Length.ShouldBe(128 + (4 * 3 * 416 * 416));
    }

    [Theory]
    [InlineData(DataType.Float16, "'<f2'")]
    [InlineData(DataType.Float64, "'<f8'")]
    [InlineData(DataType.Int8, "'|i1'")]
    [InlineData(DataType.UInt8, "'|u1'")]
    [InlineData(DataType.Int16, "'<i2'")]
    [InlineData(DataType.Int32, "'<i4'")]
    [InlineData(DataType.Int64, "'<i8'")]
    [InlineData(DataType.Bool, "'|b1'")]
    public void Write_EachType_DescrAsNumpyWritesIt(DataType dataType, string descr)
    {
        // Given a one-element tensor of the type
        TensorData tensor = TensorData.Zeros(dataType, TensorShape.Of(1));

        // When it is written
        string header = Encoding.ASCII.GetString(WriteToBytes(tensor), 10, 64);

        // Then the descr is numpy's
        header.ShouldStartWith("{'descr': " + descr + ", ");
    }

    [Theory]
    [InlineData("", "'shape': (), }")]
    [InlineData("5", "'shape': (5,), }")]
    [InlineData("0x3", "'shape': (0, 3), }")]
    public void Write_ScalarOneAndTwoDimensions_ShapeIsAPythonTuple(string shape, string expected)
    {
        // Given a tensor of the shape
        TensorData tensor = TensorData.Zeros(DataType.Float32, NpyPattern.ParseShape(shape));

        // When it is written
        byte[] file = WriteToBytes(tensor);

        // Then the shape is written as Python writes a tuple; a scalar gets no growth-axis spaces
        Encoding.ASCII.GetString(file, 10, NpyBytes.DataStart(file) - 10).ShouldContain(expected);
    }

    [Fact]
    public void Write_HeaderAlreadyOnABoundary_PadsAFull64Bytes()
    {
        // Given shapes whose unpadded header length (dict + '\n') takes every value modulo 64
        var paddings = new HashSet<int>();
        for (int dim = 1; dim <= 130; dim++)
        {
            int[] dims = [.. Enumerable.Repeat(1, dim)];
            TensorData tensor = TensorData.Zeros(DataType.UInt8, new TensorShape(dims));

            // When each is written
            byte[] file = WriteToBytes(tensor);

            // Then numpy's rule holds: 1 to 64 padding bytes (spaces, then one '\n'), data aligned
            int dataStart = NpyBytes.DataStart(file);
            string header = Encoding.ASCII.GetString(file, 10, dataStart - 10);
            int dictEnd = header.IndexOf('}', StringComparison.Ordinal) + 1;
            int padding = dataStart - 10 - dictEnd - 20 - 1;
            paddings.Add(padding);
            (dataStart % 64).ShouldBe(0);
            header[^1].ShouldBe('\n');
            header[dictEnd..^1].ShouldBe(new string(' ', header.Length - dictEnd - 1));
        }

        paddings.Order().ShouldBe(Enumerable.Range(1, 64));
    }

    [Fact]
    public void Write_HeaderOver65535Bytes_Version2WithFourByteLength()
    {
        // Given a tensor of rank 25000 (a header too long for the 2-byte length of version 1.0)
        TensorData tensor = TensorData.Zeros(DataType.Float32, new TensorShape(Enumerable.Repeat(1, 25000)));

        // When it is written and read back
        byte[] file = WriteToBytes(tensor);
        TensorData read = NpyReader.Read(new MemoryStream(file), null);

        // Then the file is version 2.0, aligned, and reads back
        file[6].ShouldBe((byte)2);
        file[7].ShouldBe((byte)0);
        (NpyBytes.DataStart(file) % 64).ShouldBe(0);
        NpyBytes.DataStart(file).ShouldBeGreaterThan(65535);
        read.Shape.ShouldBe(tensor.Shape);
    }

    [Fact]
    public void Write_ExistingFile_ReplacedAndNoTemporaryLeft()
    {
        // Given a folder with an older, larger file at the target path
        using var folder = new TempDirectory();
        string path = folder.WriteFile("weights.npy", new byte[10_000]);
        TensorData tensor = NpyPattern.Create(DataType.Int32, TensorShape.Of(4));

        // When a tensor is written to that path
        NpyWriter.Write(path, tensor);

        // Then the file holds exactly the new tensor and nothing else is in the folder
        NpyReader.Read(path).ContentEquals(tensor).ShouldBeTrue();
        Directory.GetFileSystemEntries(folder.Path).ShouldBe([path]);
    }

    [Fact]
    public void Write_TargetIsADirectory_ThrowsAndLeavesNoTemporary()
    {
        // Given a path that is an existing directory, so the final rename must fail
        using var folder = new TempDirectory();
        string path = folder.Combine("taken.npy");
        Directory.CreateDirectory(path);
        TensorData tensor = NpyPattern.Create(DataType.Float32, TensorShape.Of(2, 2));

        // When the tensor is written there
        Should.Throw<IOException>(() => NpyWriter.Write(path, tensor));

        // Then the temporary file was removed and the directory is untouched
        Directory.GetFileSystemEntries(folder.Path).ShouldBe([path]);
        Directory.GetFileSystemEntries(path).ShouldBeEmpty();
    }

    [Fact]
    public void Write_MissingFolder_ThrowsAndCreatesNothing()
    {
        // Given a path in a folder that does not exist
        using var folder = new TempDirectory();
        string path = folder.Combine(Path.Combine("missing", "out.npy"));

        // When a tensor is written there
        Should.Throw<DirectoryNotFoundException>(() => NpyWriter.Write(path, TensorData.Zeros(DataType.UInt8, TensorShape.Of(1))));

        // Then nothing was created
        Directory.GetFileSystemEntries(folder.Path).ShouldBeEmpty();
    }

    private static byte[] WriteToBytes(TensorData tensor)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, tensor);
        return stream.ToArray();
    }
}
