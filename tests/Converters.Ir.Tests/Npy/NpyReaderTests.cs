using System.Buffers.Binary;
using Converters.Ir.Npy;

namespace Converters.Ir.Tests.Npy;

public sealed class NpyReaderTests
{
    private static readonly byte[] s_sixInt32 = Int32Bytes(10, 11, 12, 20, 21, 22);

    [Theory]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }")]
    [InlineData("{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<i4\"}")]
    [InlineData("{ 'fortran_order' : False ,\n 'descr' : '<i4' ,\t'shape' : ( 2 , 3 , ) }")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)}\n\n")]
    public void Read_KeysInAnyOrderAndAnySpacing_SameTensor(string header)
    {
        // Given headers that differ only in key order, quotes, spacing and trailing commas
        byte[] file = NpyBytes.Build(header, s_sixInt32);

        // When the file is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then it is the 2x3 int32 tensor
        tensor.DataType.ShouldBe(DataType.Int32);
        tensor.Shape.ShouldBe(TensorShape.Of(2, 3));
        tensor.AsSpan<int>().ToArray().ShouldBe([10, 11, 12, 20, 21, 22]);
    }

    [Fact]
    public void Read_UnpaddedHeader_Accepted()
    {
        // Given a header with no padding and no final newline (as some other writers produce)
        byte[] file = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}", s_sixInt32, pad: false);

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then the data is found right after the header
        tensor.AsSpan<int>().ToArray().ShouldBe([10, 11, 12, 20, 21, 22]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_Version2And3_FourByteHeaderLength(byte major)
    {
        // Given a version 2.0 or 3.0 file
        byte[] file = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", s_sixInt32, major);

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then the header length is read from 4 bytes
        tensor.Shape.ShouldBe(TensorShape.Of(2, 3));
        tensor.AsSpan<int>()[5].ShouldBe(22);
    }

    [Fact]
    public void Read_BigEndianTypes_ByteSwapped()
    {
        // Given big-endian float32, int16, int64 and float64 data written byte by byte
        byte[] f4 = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f4, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(f4.AsSpan(4), -2.25f);
        byte[] i2 = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(i2, -2);
        BinaryPrimitives.WriteInt16BigEndian(i2.AsSpan(2), 0x1234);
        byte[] i8 = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(i8, -0x0102030405060708);
        byte[] f8 = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(f8, Math.PI);

        // When the files are read
        TensorData floats = Read("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4);
        TensorData shorts = Read("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", i2);
        TensorData longs = Read("{'descr': '>i8', 'fortran_order': False, 'shape': (), }", i8);
        TensorData doubles = Read("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", f8);

        // Then the values are the native ones
        floats.AsSpan<float>().ToArray().ShouldBe([1.5f, -2.25f]);
        shorts.AsSpan<short>().ToArray().ShouldBe([(short)-2, (short)0x1234]);
        longs.Shape.ShouldBe(TensorShape.Scalar);
        longs.AsSpan<long>()[0].ShouldBe(-0x0102030405060708);
        doubles.AsSpan<double>()[0].ShouldBe(Math.PI);
    }

    [Theory]
    [InlineData("<u1")]
    [InlineData(">u1")]
    [InlineData("|u1")]
    public void Read_OneByteTypeWithAnyByteOrder_Accepted(string descr)
    {
        // Given a uint8 file whose descr has any byte-order character
        byte[] file = NpyBytes.Build($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3,), }}", [1, 2, 255]);

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then the bytes are taken as they are
        tensor.AsSpan<byte>().ToArray().ShouldBe(new byte[] { 1, 2, 255 });
    }

    [Fact]
    public void Read_FortranOrder2D_TransposedIntoCOrder()
    {
        // Given a 2x3 array stored column by column: a00 a10 a01 a11 a02 a12
        byte[] file = NpyBytes.Build("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", Int32Bytes(10, 20, 11, 21, 12, 22));

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then the tensor has the same shape and is row-major
        tensor.Shape.ShouldBe(TensorShape.Of(2, 3));
        tensor.AsSpan<int>().ToArray().ShouldBe([10, 11, 12, 20, 21, 22]);
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.Float32)]
    [InlineData(DataType.Int64)]
    public void Read_FortranOrder4D_SameValuesAtSameIndices(DataType dataType)
    {
        // Given a 2x3x4x5 pattern tensor laid out in Fortran order (first index fastest)
        int[] dims = [2, 3, 4, 5];
        TensorData expected = NpyPattern.Create(dataType, new TensorShape(dims));
        int size = DataTypeInfo.SizeOf(dataType);
        byte[] fortran = new byte[expected.ByteCount];
        ReadOnlySpan<byte> c = expected.AsBytes();
        int cIndex = 0;
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                for (int d = 0; d < 4; d++)
                {
                    for (int e = 0; e < 5; e++, cIndex++)
                    {
                        int fIndex = a + (2 * (b + (3 * (d + (4 * e)))));
                        c.Slice(cIndex * size, size).CopyTo(fortran.AsSpan(fIndex * size));
                    }
                }
            }
        }

        string descr = dataType switch
        {
            DataType.UInt8 => "|u1",
            DataType.Float16 => "<f2",
            DataType.Float32 => "<f4",
            _ => "<i8",
        };

        // When the Fortran-order file is read
        TensorData tensor = Read($"{{'descr': '{descr}', 'fortran_order': True, 'shape': (2, 3, 4, 5), }}", fortran);

        // Then it equals the C-order tensor
        tensor.ContentEquals(expected).ShouldBeTrue();
    }

    [Fact]
    public void Read_FortranOrderZeroSize_EmptyTensorOfTheShape()
    {
        // Given a zero-size Fortran-order file
        byte[] file = NpyBytes.Build("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 0), }");

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then the shape is kept
        tensor.Shape.ShouldBe(TensorShape.Of(3, 0));
    }

    [Fact]
    public void Read_Version3Utf8Header_Parses()
    {
        // Given a 3.0 file (UTF-8 header and a 4-byte length; numpy writes one when a header is
        // not latin-1)
        byte[] file = NpyBytes.Build("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [1, 0], major: 3);

        // When it is read
        TensorData tensor = NpyReader.Read(new MemoryStream(file), null);

        // Then it is a bool tensor
        tensor.AsSpan<bool>().ToArray().ShouldBe([true, false]);
    }

    [Fact]
    public void Read_StreamNotAtStart_ReadsFromCurrentPosition()
    {
        // Given a stream with 5 unrelated bytes before the array
        byte[] file = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", s_sixInt32);
        using var stream = new MemoryStream([.. new byte[5], .. file]);
        stream.Position = 5;

        // When it is read
        TensorData tensor = NpyReader.Read(stream, null);

        // Then the array is read and the stream is at its end
        tensor.AsSpan<int>()[0].ShouldBe(10);
        stream.Position.ShouldBe(stream.Length);
    }

    private static TensorData Read(string header, byte[] data) => NpyReader.Read(new MemoryStream(NpyBytes.Build(header, data)), null);

    private static byte[] Int32Bytes(params int[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
