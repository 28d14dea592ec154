using Converters.Engine.Data;
using Converters.Engine.Data.Images;

namespace Converters.Engine.Tests.Data.Images;

public class ImageDecoderTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "a JPEG file, which is not supported")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "a GIF file, which is not supported")]
    [InlineData(new byte[] { (byte)'I', (byte)'I', (byte)'*', 0 }, "a TIFF file, which is not supported")]
    [InlineData(new byte[] { 1, 2, 3 }, "first bytes 010203")]
    [InlineData(new byte[0], "an empty file")]
    public void Decode_UnsupportedFormat_NamesItAndSuggestsPng(byte[] data, string found)
    {
        // Given a file in a format we do not decode, When decoding
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(data, "x.jpg"));

        // Then the message names the format and suggests PNG
        e.FilePath.ShouldBe("x.jpg");
        e.ByteOffset.ShouldBe(0);
        e.FieldPath.ShouldBe("signature");
        e.Message.ShouldBe($"expected a PNG, BMP or PPM/PGM/PBM image, found {found}; convert the images to PNG (lossless, decoded here without extra libraries)");
    }
}
