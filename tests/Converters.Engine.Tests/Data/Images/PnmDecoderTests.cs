using System.Text;
using Converters.Engine.Data;
using Converters.Engine.Data.Images;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data.Images;

/// <summary>
/// Netpbm decoding (P1–P6) checked against OpenCV 4.6's <c>cv2.imread(IMREAD_UNCHANGED)</c>:
/// binary and ASCII files cv2 writes at 8 and 16 bits, and hand-made files with comments and
/// maxvals other than 255/65535 (which OpenCV returns unscaled, as we decode them).
/// </summary>
public class PnmDecoderTests(ITestOutputHelper output)
{
    private const string WriteScript = """
        import sys, cv2, numpy as np
        d = sys.argv[1]
        rng = np.random.default_rng(5)
        for i, (h, w) in enumerate([(7, 13), (1, 1), (9, 17)]):
            for binary in (0, 1):
                p = [cv2.IMWRITE_PXM_BINARY, binary]
                cv2.imwrite(f'{d}/g{i}_{binary}.pgm', rng.integers(0, 255, (h, w), endpoint=True).astype(np.uint8), p)
                cv2.imwrite(f'{d}/g16_{i}_{binary}.pgm', rng.integers(0, 65535, (h, w), endpoint=True).astype(np.uint16), p)
                cv2.imwrite(f'{d}/c{i}_{binary}.ppm', rng.integers(0, 255, (h, w, 3), endpoint=True).astype(np.uint8), p)
                cv2.imwrite(f'{d}/c16_{i}_{binary}.ppm', rng.integers(0, 65535, (h, w, 3), endpoint=True).astype(np.uint16), p)
                cv2.imwrite(f'{d}/b{i}_{binary}.pbm', (rng.integers(0, 1, (h, w), endpoint=True) * 255).astype(np.uint8), p)
        """;

    [Fact]
    public void Decode_NetpbmWrittenByOpenCv_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given P1–P6 files written by cv2.imwrite, binary and ASCII
        using var dir = new TempDirectory();
        Oracle.Python.Run(WriteScript, dir.Path);
        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then they match cv2.imread
        string[] files = [.. Directory.GetFiles(dir.Path).Where(f => !f.EndsWith(".npy", StringComparison.Ordinal))];
        files.Length.ShouldBe(30);
        foreach (string file in files)
        {
            PngDecoderTests.AssertMatchesOpenCv(file, scaleLowDepth: file.EndsWith(".pbm", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Decode_CommentsAndOddMaxvals_MatchOpenCv()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given hand-made files with comments in the header and maxvals 100 and 1000
        using var dir = new TempDirectory();
        dir.WriteFile("a.pgm", [.. "P5\n# made by hand\n3 2 # size\n100\n"u8, 0, 50, 100, 1, 2, 3]);
        dir.WriteFile("b.pgm", [.. "P5 2 1\n#c\n1000\n"u8, 0x03, 0xE8, 0x01, 0xF4]);
        dir.WriteText("c.ppm", "P3\n# ascii\n2 1\n1000\n1000 0 500\n1 2 3\n");
        dir.WriteText("d.pbm", "P1\n# bits\n3 2\n1 0 1\n0 1 1\n");
        OpenCvImages.ReadAll(dir.Path);

        // When we decode them, Then they match cv2.imread
        foreach (string file in Directory.GetFiles(dir.Path).Where(f => !f.EndsWith(".npy", StringComparison.Ordinal)))
        {
            PngDecoderTests.AssertMatchesOpenCv(file, scaleLowDepth: file.EndsWith(".pbm", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Decode_MaxvalInHeader_KeepsRawSamplesAndMaxValue()
    {
        // Given a P2 file with maxval 1000
        byte[] pgm = Encoding.ASCII.GetBytes("P2 2 1 1000 1000 250");

        // When decoding
        DecodedImage image = ImageDecoder.Decode(pgm, "m.pgm");

        // Then the samples are raw and the maximum is the maxval, so pixels scale to 255 and 63.75
        image.MaxValue.ShouldBe(1000);
        image.Samples.ShouldBe(new ushort[] { 1000, 250 });
        float[] planar = new float[2];
        image.ToPlanar(planar);
        planar.ShouldBe(new[] { 255f, 63.75f });
    }

    [Fact]
    public void Decode_TruncatedRaster_ThrowsAtEndOfFile()
    {
        // Given a P6 2x2 file with 7 of its 12 raster bytes
        byte[] ppm = [.. "P6\n2 2\n255\n"u8, 1, 2, 3, 4, 5, 6, 7];

        // When decoding, Then the error is at the end of the file and names the raster
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(ppm, "t.ppm"));
        e.FilePath.ShouldBe("t.ppm");
        e.ByteOffset.ShouldBe(18);
        e.FieldPath.ShouldBe("raster");
        e.Message.ShouldBe("expected 12 bytes of raster data for 2x2 P6 from byte 11, found 7; the file is truncated");
    }

    [Theory]
    [InlineData("P5\n2 2\n0\n", 7, "maxval", "expected maxval in 1..65535, found 0")]
    [InlineData("P5\n2 2\n70000\n", 7, "maxval", "expected maxval in 1..65535, found 70000")]
    [InlineData("P2\n2 x\n", 5, "height", "expected a decimal height, found 'x' (0x78)")]
    [InlineData("P2\n1 1\n10\n11\n", 10, "sample[0]", "expected sample[0] in 0..10, found 11")]
    [InlineData("P1\n2 1\n1 2\n", 9, "raster", "expected a P1 pixel '0' or '1', found 0x32")]
    public void Decode_BadHeaderOrSample_ThrowsWithOffsetAndField(string text, long offset, string field, string message)
    {
        // Given a malformed Netpbm file, When decoding
        var e = Should.Throw<DatasetException>(() => ImageDecoder.Decode(Encoding.ASCII.GetBytes(text), "x.pnm"));

        // Then the offset, field and message say what is wrong
        e.ByteOffset.ShouldBe(offset);
        e.FieldPath.ShouldBe(field);
        e.Message.ShouldBe(message);
    }
}
