using Converters.Ir.Diagnostics;
using Converters.Ir.Npy;
using Converters.Testing;

namespace Converters.Ir.Tests.Npy;

public sealed class NpyReaderErrorTests
{
    private const string ValidHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";

    [Theory]
    [InlineData(new byte[] { 0x93, 0x4E, 0x55, 0x4D, 0x50, 0x5A, 1, 0, 0, 0 }, 5, "found 93 4E 55 4D 50 5A (this is not a NumPy .npy file)")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0, 0, 0, 0 }, 0, "looks like a zip archive such as an .npz file")]
    [InlineData(new byte[] { 0x93, 0x4E, 0x55, 0x4D }, 4, "found the end of the file after 4 bytes")]
    [InlineData(new byte[0], 0, "found the end of the file after 0 bytes")]
    public void Read_BadMagic_ThrowsAtMagic(byte[] file, long offset, string fragment)
    {
        // Given a file that does not start with \x93NUMPY
        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the error points at the first wrong byte of the magic string
        e.FieldPath.ShouldBe("magic");
        e.ByteOffset.ShouldBe(offset);
        e.Message.ShouldContain("expected the");
        e.Message.ShouldContain(fragment);
    }

    [Fact]
    public void Read_MagicOnly_ThrowsAtVersion()
    {
        // Given a file that ends right after the magic string
        byte[] file = [.. NpyBytes.Magic];

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the version bytes are reported missing
        e.FieldPath.ShouldBe("version");
        e.ByteOffset.ShouldBe(6);
        e.Message.ShouldContain("found the end of the file at byte 6");
    }

    [Theory]
    [InlineData(4, 0, "found 4.0")]
    [InlineData(1, 1, "found 1.1")]
    [InlineData(0, 0, "found 0.0")]
    public void Read_UnsupportedVersion_ThrowsAtVersion(byte major, byte minor, string fragment)
    {
        // Given a file with an unknown format version
        byte[] file = NpyBytes.Build(ValidHeader, new byte[48]);
        file[6] = major;
        file[7] = minor;

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the version is named with what is supported
        e.FieldPath.ShouldBe("version");
        e.ByteOffset.ShouldBe(6);
        e.Message.ShouldContain("expected format version 1.0, 2.0 or 3.0, " + fragment);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_HeaderLengthBeyondFile_ThrowsAtHeaderLength(bool seekable)
    {
        // Given a 1.0 file whose header length says 200 but only 50 header bytes follow
        byte[] file = [.. NpyBytes.Magic, 1, 0, 200, 0, .. new byte[50]];

        // When it is read
        NpyFormatException e = ReadShouldThrow(file, seekable);

        // Then the length field is blamed and the end of the file is given
        e.FieldPath.ShouldBe("header_len");
        e.ByteOffset.ShouldBe(8);
        e.Message.ShouldContain("expected a header of 200 bytes from byte 10 to byte 210, found the end of the file at byte 60");
    }

    [Fact]
    public void Read_HugeVersion2HeaderLengthOnAPipe_RefusedBeforeAllocating()
    {
        // Given a non-seekable 2.0 stream whose header length is 0xFFFFFFFF
        byte[] file = [.. NpyBytes.Magic, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, .. new byte[16]];

        // When it is read
        NpyFormatException e = ReadShouldThrow(file, seekable: false);

        // Then the length is refused as corrupt
        e.FieldPath.ShouldBe("header_len");
        e.ByteOffset.ShouldBe(8);
        e.Message.ShouldContain("expected a header of at most 16777216 bytes, found a length of 4294967295");
    }

    [Fact]
    public void Read_FileEndsInsideHeaderLength_ThrowsAtHeaderLength()
    {
        // Given a 2.0 file that ends two bytes into its 4-byte header length
        byte[] file = [.. NpyBytes.Magic, 2, 0, 64, 0];

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the length field is reported incomplete
        e.FieldPath.ShouldBe("header_len");
        e.ByteOffset.ShouldBe(8);
        e.Message.ShouldContain("expected a 4-byte header length (version 2.0), found the end of the file at byte 10");
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "}", "header.shape", "expected the key 'shape' before '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1, }", "'extra'", "header", "expected only the keys 'descr', 'fortran_order' and 'shape', found 'extra'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "'descr': '<f4', 'fortran_order'", "header.descr", "found 'descr' a second time")]
    [InlineData("{'descr': '<f4', 'fortran_order': false, 'shape': (3,), }", "false", "header.fortran_order", "expected True or False, found 'false'")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", "0,", "header.fortran_order", "expected True or False, found '0'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", ")", "header.shape", "a one-dimensional shape is the tuple (3,)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", "[3]", "header.shape", "expected a tuple of dimensions such as (1, 3, 416, 416), found a list")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3 4), }", "4)", "header.shape", "expected ',' or ')' after dimension 0, found '4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x", "x", "header", "expected only padding (spaces and a final '\\n') after the header dict, found 'x'")]
    [InlineData("['descr']", "[", "header", "expected '{' opening the header dict, found '['")]
    [InlineData("{descr: '<f4'}", "descr", "header", "expected a quoted key ('descr', 'fortran_order' or 'shape') or '}', found 'd'")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (3,)}", "'fortran_order'", "header", "expected ',' or '}' after the value of 'descr', found '''")]
    [InlineData("{'descr' '<f4', 'fortran_order': False, 'shape': (3,)}", "'<f4'", "header.descr", "expected ':' after the key 'descr', found '''")]
    [InlineData("{'descr': '<f4\n', 'fortran_order': False, 'shape': (3,), }", "\n", "header.descr", "found a line break")]
    [InlineData("{'descr': '<f\\4', 'fortran_order': False, 'shape': (3,), }", "\\", "header.descr", "found an escape sequence")]
    [InlineData("{'descr': 4, 'fortran_order': False, 'shape': (3,), }", "4,", "header.descr", "expected a dtype string such as '<f4', found '4'")]
    [InlineData("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (3,), }", "[", "header.descr", "structured dtypes are not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3.0,), }", "3.0", "header.shape[0]", "expected a plain integer dimension, found 3 followed by '.'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (03,), }", "03", "header.shape[0]", "without leading zeros, found 03")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "-1", "header.shape[1]", "expected a non-negative dimension, found -1")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,), }", "3000000000", "header.shape[0]", "expected a dimension of at most 2147483647, found 3000000000")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "x)", "header.shape[1]", "expected a non-negative integer dimension, found 'x'")]
    public void Read_MalformedHeaderDict_ThrowsAtTheToken(string header, string at, string field, string fragment)
    {
        // Given a header dict that numpy would not write
        byte[] file = NpyBytes.Build(header, new byte[12]);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the error points at the offending token and says what was expected
        e.FieldPath.ShouldBe(field);
        e.ByteOffset.ShouldBe(NpyBytes.OffsetOf(header, at));
        e.Message.ShouldContain(fragment);
    }

    [Fact]
    public void Read_HeaderEndsInsideTheDict_ThrowsAtTheEndOfTheHeader()
    {
        // Given a dict that is never closed
        const string Header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), ";
        byte[] file = NpyBytes.Build(Header);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the error is at the end of the header
        e.FieldPath.ShouldBe("header");
        e.ByteOffset.ShouldBe(NpyBytes.DataStart(file));
        e.Message.ShouldContain("found the end of the header");
    }

    [Theory]
    [InlineData("<c8", "complex numbers have no IR type")]
    [InlineData("<u4", "unsigned integers wider than 8 bits have no IR type")]
    [InlineData("=f4", "'=' (native byte order) is never written by numpy")]
    [InlineData("|f4", "'|' (no byte order) is only valid for 1-byte types, and float32 takes 4")]
    [InlineData("<U10", "strings are not tensors")]
    [InlineData("|O", "Python objects are pickled and never loaded")]
    [InlineData("float32", "a descriptor starts with a byte order")]
    [InlineData("<", "a byte order must be followed by a kind letter")]
    [InlineData("<f16", "it is not one of the supported element types")]
    public void Read_UnsupportedDescr_ThrowsAtDescr(string descr, string reason)
    {
        // Given a header with a dtype the IR cannot hold
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3,), }}";
        byte[] file = NpyBytes.Build(header, new byte[12]);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the descr value is blamed, with the supported list and the reason
        e.FieldPath.ShouldBe("header.descr");
        e.ByteOffset.ShouldBe(NpyBytes.OffsetOf(header, $"'{descr}'"));
        e.Message.ShouldContain($"expected one of '<f2', '<f4', '<f8', '|i1', '|u1', '<i2', '<i4', '<i8', '|b1' (and the big-endian '>' forms), found '{descr}': {reason}");
    }

    [Fact]
    public void Read_Version3NonAsciiDescr_DecodedAsUtf8InTheMessage()
    {
        // Given a 3.0 file whose descr holds a non-ASCII character
        const string Header = "{'descr': '<é4', 'fortran_order': False, 'shape': (3,), }";
        byte[] file = NpyBytes.Build(Header, new byte[12], major: 3);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the character is shown as written
        e.FieldPath.ShouldBe("header.descr");
        e.ByteOffset.ShouldBe(NpyBytes.OffsetOf(Header, "'<é4'", major: 3));
        e.Message.ShouldContain("found '<é4'");
    }

    [Fact]
    public void Read_ElementCountBeyondAnArray_RefusedAtShape()
    {
        // Given a float32 shape of 2^32 elements (16 GiB)
        const string Header = "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }";
        byte[] file = NpyBytes.Build(Header);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the shape is refused with the limit
        e.FieldPath.ShouldBe("header.shape");
        e.ByteOffset.ShouldBe(NpyBytes.OffsetOf(Header, "(65536"));
        e.Message.ShouldContain("expected at most 536870897 float32 elements (2147483591 bytes, the largest array .NET can index), found shape (65536, 65536)");
    }

    [Fact]
    public void Read_LargeShapeWithoutData_ThrowsBeforeAllocating()
    {
        // Given a header for 1.6 GB of float32 data followed by 16 bytes
        const string Header = "{'descr': '<f4', 'fortran_order': False, 'shape': (20000, 20000), }";
        byte[] file = NpyBytes.Build(Header, new byte[16]);
        int dataStart = NpyBytes.DataStart(file);

        // When it is read
        long before = GC.GetAllocatedBytesForCurrentThread();
        NpyFormatException e = ReadShouldThrow(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then it fails on the length check without allocating the tensor
        e.FieldPath.ShouldBe("data");
        e.ByteOffset.ShouldBe(dataStart + 16);
        allocated.ShouldBeLessThan(1 << 20);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_DataShorterThanShape_ThrowsAtTheEndOfTheFile(bool seekable)
    {
        // Given a 3x4 float32 header with 20 of its 48 data bytes
        byte[] file = NpyBytes.Build(ValidHeader, new byte[20]);
        int dataStart = NpyBytes.DataStart(file);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file, seekable);

        // Then the error gives the expected size and where the file ended
        e.FieldPath.ShouldBe("data");
        e.ByteOffset.ShouldBe(dataStart + 20);
        e.Message.ShouldContain($"expected 48 bytes of float32 data for shape (3, 4) from byte {dataStart} to byte {dataStart + 48}, found the end of the file at byte {dataStart + 20} (20 bytes of data)");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_BytesAfterTheData_ThrowsWithTheirCount(bool seekable)
    {
        // Given a 3x4 float32 file with 3 extra bytes
        byte[] file = NpyBytes.Build(ValidHeader, new byte[51]);
        int dataEnd = NpyBytes.DataStart(file) + 48;

        // When it is read
        NpyFormatException e = ReadShouldThrow(file, seekable);

        // Then the error is at the end of the data and counts the extra bytes
        e.FieldPath.ShouldBe("data");
        e.ByteOffset.ShouldBe(dataEnd);
        e.Message.ShouldContain($"expected the file to end at byte {dataEnd} after the data, found 3 more bytes");
    }

    [Fact]
    public void Read_BoolByteOtherThanZeroOrOne_ThrowsAtTheElement()
    {
        // Given a bool file whose third byte is 2
        byte[] file = NpyBytes.Build("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", [0, 1, 2, 1]);

        // When it is read
        NpyFormatException e = ReadShouldThrow(file);

        // Then the byte is named
        e.FieldPath.ShouldBe("data");
        e.ByteOffset.ShouldBe(NpyBytes.DataStart(file) + 2);
        e.Message.ShouldContain("expected a bool byte 0 or 1 at element 2 (in file order), found 0x02");
    }

    [Fact]
    public void Read_BadFileByPath_FilePathAndCompilerStyleDiagnostic()
    {
        // Given a file on disk with an unsupported version
        using var folder = new TempDirectory();
        byte[] file = NpyBytes.Build(ValidHeader, new byte[48]);
        file[6] = 9;
        string path = folder.WriteFile("bad.npy", file);

        // When it is read by path
        NpyFormatException e = Should.Throw<NpyFormatException>(() => NpyReader.Read(path));

        // Then the exception is an input-format error carrying the path, rendered on one line
        e.ShouldBeAssignableTo<InputFormatException>();
        e.FilePath.ShouldBe(path);
        e.ToDiagnostic().ShouldBe($"{path}: byte 6: version: expected format version 1.0, 2.0 or 3.0, found 9.0");
    }

    [Fact]
    public void Read_MissingFile_FileNotFoundException()
    {
        // Given a path with no file
        using var folder = new TempDirectory();

        // When it is read
        // Then the IO error is not dressed up as a format error
        Should.Throw<FileNotFoundException>(() => NpyReader.Read(folder.Combine("none.npy")));
    }

    private static NpyFormatException ReadShouldThrow(byte[] file, bool seekable = true)
    {
        Stream stream = seekable ? new MemoryStream(file) : new ForwardOnlyStream(file);
        using (stream)
        {
            NpyFormatException e = Should.Throw<NpyFormatException>(() => NpyReader.Read(stream, "t.npy"));
            e.FilePath.ShouldBe("t.npy");
            return e;
        }
    }
}
