using Converters.Engine.Data;
using Converters.Engine.Data.Images;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data.Images;

/// <summary>
/// PNG decoding checked sample for sample against OpenCV 4.6's <c>cv2.imread(IMREAD_UNCHANGED)</c>
/// (libpng): files cv2 writes itself (8/16-bit gray, BGR, BGRA at several compression levels) and
/// files it cannot write (palette, tRNS, Adam7, bit depths 1/2/4, each filter) made by a test encoder.
/// </summary>
public class PngDecoderTests(ITestOutputHelper output)
{
    private const string WriteScript = """
        import sys, cv2, numpy as np
        d = sys.argv[1]
        rng = np.random.default_rng(7)
        for i, (h, w) in enumerate([(7, 13), (1, 1), (33, 64)]):
            for ch in (1, 3, 4):
                for dt, mx in ((np.uint8, 255), (np.uint16, 65535)):
                    shape = (h, w, ch) if ch > 1 else (h, w)
                    noise = rng.integers(0, mx, size=shape, endpoint=True).astype(dt)
                    yy, xx = np.mgrid[0:h, 0:w]
                    ramp = ((xx * 3 + yy * 5) * (mx // 255)) % (mx + 1)
                    smooth = np.repeat(ramp[:, :, None], ch, 2).reshape(shape).astype(dt)
                    for lvl in (0, 1, 6, 9):
                        cv2.imwrite(f'{d}/noise{i}_c{ch}_{np.dtype(dt).name}_l{lvl}.png', noise, [cv2.IMWRITE_PNG_COMPRESSION, lvl])
                        cv2.imwrite(f'{d}/ramp{i}_c{ch}_{np.dtype(dt).name}_l{lvl}.png', smooth, [cv2.IMWRITE_PNG_COMPRESSION, lvl])
        """;

    [Fact]
    public void Decode_PngsWrittenByOpenCv_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given PNGs written by cv2.imwrite and read back by cv2.imread
        using var dir = new TempDirectory();
        Oracle.Python.Run(WriteScript, dir.Path);
        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then every sample matches OpenCV
        string[] files = Directory.GetFiles(dir.Path, "*.png");
        files.Length.ShouldBe(144);
        foreach (string file in files)
        {
            AssertMatchesOpenCv(file);
        }
    }

    [Fact]
    public void Decode_HandCraftedPngs_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given PNGs of every colour type, bit depth, filter and interlace, and palettes with tRNS
        using var dir = new TempDirectory();
        var random = new Random(5);
        byte[] palette = [.. Enumerable.Range(0, 256 * 3).Select(_ => (byte)random.Next(256))];
        byte[] paletteAlpha = [.. Enumerable.Range(0, 100).Select(_ => (byte)random.Next(256))];
        int count = 0;
        foreach ((int w, int h) in new[] { (13, 11), (1, 1), (3, 2), (17, 9) })
        {
            foreach (bool interlace in new[] { false, true })
            {
                foreach (int filter in new[] { -1, 0, 1, 2, 3, 4 })
                {
                    void Write(string name, int colorType, int depth, int channels, int max, byte[]? plte = null, byte[]? trns = null)
                    {
                        ushort[] samples = [.. Enumerable.Range(0, w * h * channels).Select(_ => (ushort)random.Next(max + 1))];
                        byte[] png = PngTestEncoder.Encode(w, h, colorType, depth, samples, plte, trns, interlace, filter, idatSize: 1 + random.Next(40));
                        dir.WriteFile($"{name}_{w}x{h}_i{(interlace ? 1 : 0)}_f{filter + 1}.png", png);
                        count++;
                    }

                    foreach (int depth in new[] { 1, 2, 4, 8, 16 })
                    {
                        Write($"gray{depth}", 0, depth, 1, (1 << depth) - 1);
                    }

                    foreach (int depth in new[] { 1, 2, 4, 8 })
                    {
                        int entries = 1 << depth;
                        Write($"pal{depth}", 3, depth, 1, entries - 1, palette[..(entries * 3)]);
                        Write($"pal{depth}t", 3, depth, 1, entries - 1, palette[..(entries * 3)], paletteAlpha[..Math.Min(entries, paletteAlpha.Length)]);
                    }

                    foreach (int depth in new[] { 8, 16 })
                    {
                        int max = (1 << depth) - 1;
                        Write($"ga{depth}", 4, depth, 2, max);
                        Write($"rgb{depth}", 2, depth, 3, max);
                        Write($"rgba{depth}", 6, depth, 4, max);
                    }

                    Write("graykey8", 0, 8, 1, 3, trns: [0, 2]);
                    Write("rgbkey8", 2, 8, 3, 2, trns: [0, 1, 0, 0, 0, 2]);
                }
            }
        }

        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then every sample matches OpenCV
        foreach (string file in Directory.GetFiles(dir.Path, "*.png"))
        {
            AssertMatchesOpenCv(file);
        }

        count.ShouldBe(1008);
        output.WriteLine($"{count} hand-crafted PNGs match cv2.imread");
    }

    [Fact]
    public void Decode_BadCrc_ThrowsWithChunkAndOffset()
    {
        // Given a PNG whose IHDR width byte is changed after the CRC was computed
        byte[] png = PngTestEncoder.Encode(4, 3, 0, 8, new ushort[12]);
        png[19] ^= 0x01;

        // When decoding, Then the error names the chunk's CRC field and its byte offset (8 + 8 + 13)
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(png, "bad.png"));
        e.FilePath.ShouldBe("bad.png");
        e.ByteOffset.ShouldBe(29);
        e.FieldPath.ShouldBe("chunk[0] IHDR.crc");
        e.Message.ShouldStartWith("CRC 0x");
        e.Message.ShouldContain("expected for the IHDR chunk, found 0x");
    }

    [Fact]
    public void Decode_FileCutInsideIdat_ThrowsTruncatedAtChunk()
    {
        // Given a PNG cut 5 bytes into its only IDAT chunk (IHDR chunk ends at byte 33)
        byte[] png = PngTestEncoder.Encode(16, 16, 2, 8, new ushort[16 * 16 * 3], idatSize: 100_000);
        byte[] cut = png[..(33 + 8 + 5)];

        // When decoding, Then the error points at the IDAT chunk and says the file is truncated
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(cut, "cut.png"));
        e.FilePath.ShouldBe("cut.png");
        e.ByteOffset.ShouldBe(33);
        e.FieldPath.ShouldBe("chunk[1] IDAT");
        e.Message.ShouldContain("the file is truncated");
    }

    [Fact]
    public void Decode_TruncatedZlibStream_ThrowsAtFirstIdat()
    {
        // Given a PNG whose IDAT holds only the first half of the zlib stream (with a valid CRC)
        byte[] full = PngTestEncoder.Encode(32, 32, 0, 8, [.. Enumerable.Range(0, 1024).Select(i => (ushort)(i * 7 % 256))], idatSize: 100_000);
        int idatLength = (full[33] << 24) | (full[34] << 16) | (full[35] << 8) | full[36];
        byte[] zlib = full.AsSpan(41, idatLength).ToArray();
        using var stream = new MemoryStream();
        stream.Write(full.AsSpan(0, 33));
        PngTestEncoder.WriteChunk(stream, "IDAT", zlib.AsSpan(0, zlib.Length / 2));
        PngTestEncoder.WriteChunk(stream, "IEND", []);

        // When decoding, Then the error is on the IDAT data at the first IDAT chunk
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(stream.ToArray(), "half.png"));
        e.FilePath.ShouldBe("half.png");
        e.ByteOffset.ShouldBe(33);
        e.FieldPath.ShouldBe("IDAT");
        e.Message.ShouldMatch("^expected 1056 bytes of filtered scanlines from the IDAT chunks, found \\d+; the image data is truncated$");
    }

    [Fact]
    public void Decode_BadFilterType_ThrowsNamingTheRow()
    {
        // Given a 2x2 gray image whose second row uses filter type 7
        byte[] png = Build(2, 2, 0, 8, [0, 10, 20, 7, 30, 40]);

        // When decoding, Then the error names the filter and the row
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(png, "f.png"));
        e.FieldPath.ShouldBe("IDAT");
        e.Message.ShouldBe("expected scanline filter type 0..4, found 7 at row 1 (in the decompressed data, byte 3)");
    }

    [Fact]
    public void Decode_PaletteIndexBeyondPalette_Throws()
    {
        // Given a palette image with 2 entries and a pixel using index 5
        byte[] png = PngTestEncoder.Encode(2, 1, 3, 8, [1, 5], palette: [0, 0, 0, 255, 255, 255]);

        // When decoding, Then the error names the index and the palette size
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(png, "p.png"));
        e.Message.ShouldBe("expected palette indexes below 2 (the PLTE size), found 5 at pixel 1,0");
    }

    [Fact]
    public void Decode_InvalidBitDepthForColorType_ThrowsOnIhdr()
    {
        // Given an RGB PNG declaring bit depth 4
        byte[] png = PngTestEncoder.Encode(1, 1, 0, 4, [0]);
        png[25] = 2;
        byte[] fixedCrc = Recrc(png, 8, 13);

        // When decoding, Then the IHDR field is named
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(fixedCrc, "d.png"));
        e.FieldPath.ShouldBe("IHDR.bit_depth");
        e.ByteOffset.ShouldBe(24);
        e.Message.ShouldContain("found colour type 2 with bit depth 4");
    }

    [Fact]
    public void Decode_HugeDimensions_ThrowsBeforeAllocating()
    {
        // Given an RGBA PNG header declaring 65535 x 65535 pixels (and one byte of data)
        byte[] png = PngTestEncoder.Encode(1, 1, 6, 8, new ushort[4]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 65535);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 65535);

        // When decoding, Then the size is rejected with the IHDR field
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(Recrc(png, 8, 13), "big.png"));
        e.FieldPath.ShouldBe("IHDR.width");
        e.ByteOffset.ShouldBe(16);
        e.Message.ShouldStartWith("expected an image of at most 268435456 samples (width x height x channels), found 65535x65535x4");
    }

    [Fact]
    public void Decode_UnknownCriticalChunk_Throws()
    {
        // Given a PNG with a critical chunk "XYZW" before IDAT
        byte[] png = PngTestEncoder.Encode(1, 1, 0, 8, [0]);
        using var stream = new MemoryStream();
        stream.Write(png.AsSpan(0, 33));
        PngTestEncoder.WriteChunk(stream, "XYZW", [1, 2]);
        stream.Write(png.AsSpan(33));

        // When decoding, Then the chunk is named
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(stream.ToArray(), "c.png"));
        e.ByteOffset.ShouldBe(33);
        e.Message.ShouldStartWith("unknown critical chunk 'XYZW'");
    }

    private static byte[] Build(int width, int height, int colorType, int depth, byte[] filteredRows)
    {
        byte[] png = PngTestEncoder.Encode(width, height, colorType, depth, new ushort[width * height]);
        using var stream = new MemoryStream();
        stream.Write(png.AsSpan(0, 33));
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(filteredRows);
        }

        PngTestEncoder.WriteChunk(stream, "IDAT", compressed.ToArray());
        PngTestEncoder.WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static byte[] Recrc(byte[] png, int chunkOffset, int length)
    {
        byte[] copy = (byte[])png.Clone();
        uint crc = Crc32.Compute(copy.AsSpan(chunkOffset + 4, 4 + length));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(chunkOffset + 8 + length), crc);
        return copy;
    }

    internal static void AssertMatchesOpenCv(string file, bool dropAlpha = false, bool scaleLowDepth = true)
    {
        DecodedImage ours = ImageDecoder.Decode(file);
        (ushort[] expected, int channels, int height, int width) = OpenCvImages.Samples(OpenCvImages.Load(file));
        (ushort[] actual, int ourChannels) = OpenCvImages.ToOpenCvLayout(ours, dropAlpha, scaleLowDepth);
        string name = Path.GetFileName(file);
        (ours.Width, ours.Height, ourChannels).ShouldBe((width, height, channels), name);
        int mismatch = actual.AsSpan().CommonPrefixLength(expected);
        if (mismatch != expected.Length || actual.Length != expected.Length)
        {
            Assert.Fail($"{name}: sample {mismatch} differs: ours {(mismatch < actual.Length ? actual[mismatch] : -1)}, OpenCV {(mismatch < expected.Length ? expected[mismatch] : -1)}");
        }
    }
}
