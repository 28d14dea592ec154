using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class SnappyDecoderTests
{
    [Fact]
    public void TryDecompress_LiteralsAndOverlappingCopies_Expands()
    {
        // Given: a stream built from the Snappy format description: length 13 (varint),
        // literal "abc" (tag (3-1)<<2), copy-1 of 9 bytes from 3 back (tag ((9-4)<<2)|1, offset 3),
        // literal "X"
        byte[] stream = [13, 0x08, (byte)'a', (byte)'b', (byte)'c', 0x15, 0x03, 0x00, (byte)'X'];

        // When: decompressed
        byte[]? output = SnappyDecoder.TryDecompress(stream, out string? error);

        // Then: the copy overlaps itself to repeat "abc"
        error.ShouldBeNull();
        Encoding.ASCII.GetString(output!).ShouldBe("abcabcabcabcX");
    }

    [Fact]
    public void TryDecompress_TwoAndFourByteOffsets_Expands()
    {
        // Given: literal "hello" (tag 4<<2), copy-2 of 5 bytes from 5 back (tag (4<<2)|2, offset 05 00),
        // copy-4 of 2 bytes from 10 back (tag (1<<2)|3, offset 0a 00 00 00)
        byte[] stream = [12, 0x10, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0x12, 0x05, 0x00, 0x07, 0x0a, 0x00, 0x00, 0x00];

        // When: decompressed
        byte[]? output = SnappyDecoder.TryDecompress(stream, out string? error);

        // Then
        error.ShouldBeNull();
        Encoding.ASCII.GetString(output!).ShouldBe("hellohellohe");
    }

    [Theory]
    [InlineData(new byte[] { 5, 0x08, (byte)'a', (byte)'b', (byte)'c' }, "decompresses to 3 bytes, not the 5")]
    [InlineData(new byte[] { 8, 0x15, 0x03 }, "out of range")]
    [InlineData(new byte[] { 3, 0x08, (byte)'a' }, "runs past the end")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0x7F, 0x00 }, "impossible")]
    public void TryDecompress_CorruptStream_SaysWhy(byte[] stream, string reason)
    {
        // When: a corrupt stream is decompressed
        byte[]? output = SnappyDecoder.TryDecompress(stream, out string? error);

        // Then: no output and a reason
        output.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(reason);
    }
}
