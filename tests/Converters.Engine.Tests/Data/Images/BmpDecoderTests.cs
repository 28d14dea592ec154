using System.Buffers.Binary;
using Converters.Engine.Data;
using Converters.Engine.Data.Images;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data.Images;

/// <summary>
/// BMP decoding checked against OpenCV 4.6's <c>cv2.imread(IMREAD_UNCHANGED)</c>: files cv2 writes
/// (8-bit gray palette, 24-bit, 32-bit) and hand-made files (1/4/8-bit colour palettes, top-down,
/// OS/2 and V5 headers); bit-field files are checked against the scaling rule from their masks.
/// </summary>
public class BmpDecoderTests(ITestOutputHelper output)
{
    private const string WriteScript = """
        import sys, cv2, numpy as np
        d = sys.argv[1]
        rng = np.random.default_rng(3)
        for i, (h, w) in enumerate([(7, 13), (1, 1), (5, 3), (33, 64), (4, 6)]):
            for ch in (1, 3, 4):
                shape = (h, w, ch) if ch > 1 else (h, w)
                cv2.imwrite(f'{d}/cv{i}_c{ch}.bmp', rng.integers(0, 255, size=shape, endpoint=True).astype(np.uint8))
        """;

    [Fact]
    public void Decode_BmpsWrittenByOpenCv_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given BMPs written by cv2.imwrite
        using var dir = new TempDirectory();
        Oracle.Python.Run(WriteScript, dir.Path);
        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then they match cv2.imread (which ignores the 32-bit alpha byte)
        string[] files = Directory.GetFiles(dir.Path, "*.bmp");
        files.Length.ShouldBe(15);
        foreach (string file in files)
        {
            PngDecoderTests.AssertMatchesOpenCv(file, dropAlpha: true);
        }
    }

    [Fact]
    public void Decode_HandMadePaletteAndHeaderVariants_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given palette BMPs of 1, 4 and 8 bits, bottom-up and top-down, with 40- and 124-byte headers, and 24-bit ones
        using var dir = new TempDirectory();
        var random = new Random(11);
        foreach ((int w, int h) in new[] { (9, 5), (1, 1), (33, 3) })
        {
            foreach (bool topDown in new[] { false, true })
            {
                foreach (int headerSize in new[] { 40, 124 })
                {
                    foreach (int bits in new[] { 1, 4, 8, 24 })
                    {
                        byte[]? palette = bits <= 8 ? [.. Enumerable.Range(0, (1 << bits) * 4).Select(_ => (byte)random.Next(256))] : null;
                        uint[] pixels = [.. Enumerable.Range(0, w * h).Select(_ => bits <= 8 ? (uint)random.Next(1 << bits) : (uint)random.Next(1 << 24))];
                        dir.WriteFile($"b{bits}_h{headerSize}_{w}x{h}_{(topDown ? "td" : "bu")}.bmp", Encode(w, h, bits, 0, headerSize, palette, pixels, topDown));
                    }
                }
            }
        }

        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then they match cv2.imread
        foreach (string file in Directory.GetFiles(dir.Path, "*.bmp"))
        {
            PngDecoderTests.AssertMatchesOpenCv(file);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Decode_Os2CoreHeader_ReadsThreeBytePaletteEntries(int bits)
    {
        // Given an OS/2 BMP (12-byte header, 3-byte B, G, R palette entries); cv2 4.6 turns these
        // into gray, so the expected pixels come from the palette the test wrote
        var random = new Random(bits);
        int w = 11, h = 3, entries = 1 << bits;
        byte[] palette = [.. Enumerable.Range(0, entries * 4).Select(_ => (byte)random.Next(256))];
        uint[] pixels = [.. Enumerable.Range(0, w * h).Select(_ => (uint)random.Next(entries))];
        byte[] bmp = Encode(w, h, bits, 0, 12, palette, pixels, topDown: false);

        // When decoding
        DecodedImage image = ImageDecoder.Decode(bmp, "os2.bmp");

        // Then every pixel is its palette entry in R, G, B order
        image.Channels.ShouldBe(3);
        ushort[] expected = [.. pixels.SelectMany(p => new[] { (ushort)palette[(p * 4) + 2], (ushort)palette[(p * 4) + 1], (ushort)palette[p * 4] })];
        image.Samples.ShouldBe(expected);
    }

    [Theory]
    [InlineData(16, 0x0000F800u, 0x000007E0u, 0x0000001Fu, 0u)]
    [InlineData(16, 0x00007C00u, 0x000003E0u, 0x0000001Fu, 0u)]
    [InlineData(32, 0x000000FFu, 0x0000FF00u, 0x00FF0000u, 0u)]
    [InlineData(32, 0xFFC00000u, 0x003FF000u, 0x00000FFCu, 0x00000003u)]
    public void Decode_Bitfields_ScalesEachMaskToEightBits(int bits, uint red, uint green, uint blue, uint alpha)
    {
        // Given a BI_BITFIELDS image (V5 header with the alpha mask) of random values
        var random = new Random(bits + (int)red);
        int w = 7, h = 3;
        uint[] pixels = [.. Enumerable.Range(0, w * h).Select(_ => (uint)random.NextInt64(bits == 16 ? 1 << 16 : 1L << 32))];
        byte[] bmp = Encode(w, h, bits, 3, 124, null, pixels, topDown: false, masks: [red, green, blue, alpha]);

        // When decoding
        DecodedImage image = ImageDecoder.Decode(bmp, "f.bmp");

        // Then each channel is (value & mask) >> shift, scaled by 255 / (mask >> shift) with rounding
        uint[] masks = alpha == 0 ? [red, green, blue] : [red, green, blue, alpha];
        image.Channels.ShouldBe(masks.Length);
        for (int i = 0; i < w * h; i++)
        {
            for (int c = 0; c < masks.Length; c++)
            {
                int shift = System.Numerics.BitOperations.TrailingZeroCount(masks[c]);
                ulong max = masks[c] >> shift;
                ulong v = (pixels[i] & masks[c]) >> shift;
                ulong expected = (ulong)Math.Round(v * 255.0 / max, MidpointRounding.AwayFromZero);
                image.Samples[(i * masks.Length) + c].ShouldBe((ushort)expected, $"pixel {i} channel {c}");
            }
        }
    }

    [Fact]
    public void Decode_WrongHeaderSize_ThrowsOnBiSize()
    {
        // Given a BMP whose DIB header size field says 20
        byte[] bmp = Encode(2, 2, 24, 0, 40, null, new uint[4], false);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 20);

        // When decoding, Then the error names biSize at byte 14
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(bmp, "h.bmp"));
        e.FilePath.ShouldBe("h.bmp");
        e.ByteOffset.ShouldBe(14);
        e.FieldPath.ShouldBe("biSize");
        e.Message.ShouldBe("expected a DIB header size of 12, 40, 52, 56, 108 or 124 bytes, found 20");
    }

    [Fact]
    public void Decode_TruncatedPixelRows_Throws()
    {
        // Given a 24-bit 4x4 BMP (rows of 12 bytes) missing its last 5 bytes
        byte[] bmp = Encode(4, 4, 24, 0, 40, null, new uint[16], false);

        // When decoding, Then the error says how many pixel bytes were expected
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(bmp.AsSpan(0, bmp.Length - 5), "t.bmp"));
        e.FieldPath.ShouldBe("bfOffBits");
        e.ByteOffset.ShouldBe(54);
        e.Message.ShouldBe("expected 48 bytes of pixel rows (4 rows of 12) from byte 54, found 43; the file is truncated");
    }

    [Fact]
    public void Decode_RleCompression_ThrowsNamingIt()
    {
        // Given an 8-bit BMP declaring BI_RLE8
        byte[] bmp = Encode(2, 2, 8, 0, 40, new byte[1024], new uint[4], false);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(30), 1);

        // When decoding, Then the message names BI_RLE8 and what is supported
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(bmp, "r.bmp"));
        e.FieldPath.ShouldBe("biCompression");
        e.ByteOffset.ShouldBe(30);
        e.Message.ShouldStartWith("expected BI_RGB with 1, 4, 8, 16, 24 or 32 bits or BI_BITFIELDS with 16 or 32 bits, found BI_RLE8 with 8 bits");
    }

    /// <summary>Writes a BMP from the file format's field layout; palette entries are B, G, R, reserved.</summary>
    private static byte[] Encode(int width, int height, int bits, int compression, int headerSize, byte[]? palette, uint[] pixels, bool topDown, uint[]? masks = null)
    {
        int paletteEntrySize = headerSize == 12 ? 3 : 4;
        int paletteBytes = palette is null ? 0 : palette.Length / 4 * paletteEntrySize;
        int maskBytes = compression == 3 && headerSize == 40 ? 12 : 0;
        int stride = ((bits * width) + 31) / 32 * 4;
        int offset = 14 + headerSize + maskBytes + paletteBytes;
        byte[] file = new byte[offset + (stride * height)];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), offset);
        Span<byte> header = file.AsSpan(14, headerSize);
        BinaryPrimitives.WriteInt32LittleEndian(header, headerSize);
        if (headerSize == 12)
        {
            BinaryPrimitives.WriteInt16LittleEndian(header[4..], (short)width);
            BinaryPrimitives.WriteInt16LittleEndian(header[6..], (short)(topDown ? -height : height));
            BinaryPrimitives.WriteInt16LittleEndian(header[8..], 1);
            BinaryPrimitives.WriteInt16LittleEndian(header[10..], (short)bits);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], width);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], topDown ? -height : height);
            BinaryPrimitives.WriteInt16LittleEndian(header[12..], 1);
            BinaryPrimitives.WriteInt16LittleEndian(header[14..], (short)bits);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], compression);
            BinaryPrimitives.WriteInt32LittleEndian(header[20..], stride * height);
            if (masks is not null)
            {
                Span<byte> maskTarget = headerSize == 40 ? file.AsSpan(14 + 40) : header[40..];
                for (int m = 0; m < (headerSize == 40 ? 3 : 4); m++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(maskTarget[(m * 4)..], masks[m]);
                }
            }
        }

        if (palette is not null)
        {
            for (int i = 0; i < palette.Length / 4; i++)
            {
                palette.AsSpan(i * 4, paletteEntrySize).CopyTo(file.AsSpan(14 + headerSize + maskBytes + (i * paletteEntrySize)));
            }
        }

        for (int y = 0; y < height; y++)
        {
            int row = offset + ((topDown ? y : height - 1 - y) * stride);
            for (int x = 0; x < width; x++)
            {
                uint value = pixels[(y * width) + x];
                int bit = x * bits;
                switch (bits)
                {
                    case 1 or 4 or 8:
                        file[row + (bit / 8)] |= (byte)(value << (8 - bits - (bit % 8)));
                        break;
                    case 16:
                        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(row + (x * 2)), (ushort)value);
                        break;
                    case 24:
                        file[row + (x * 3)] = (byte)value;
                        file[row + (x * 3) + 1] = (byte)(value >> 8);
                        file[row + (x * 3) + 2] = (byte)(value >> 16);
                        break;
                    default:
                        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(row + (x * 4)), value);
                        break;
                }
            }
        }

        return file;
    }
}
