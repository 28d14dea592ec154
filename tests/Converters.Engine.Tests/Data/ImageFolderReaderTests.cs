using Converters.Engine.Data;
using Converters.Engine.Tests.Data.Images;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

public class ImageFolderReaderTests
{
    [Fact]
    public void OpenFolder_ClassSubfolders_LabelsByOrdinalFolderOrder()
    {
        // Given class folders "zebra", "Ant" and "cat" (ordinal order: Ant, cat, zebra) with PNG, PPM and BMP files, and a text file to skip
        using var dir = new TempDirectory();
        byte[] red = Rgb(3, 2, 200, 10, 20);
        dir.WriteFile("zebra/1.png", red);
        dir.WriteFile("zebra/0.ppm", [.. "P6 3 2 255\n"u8, .. Enumerable.Repeat(new byte[] { 1, 2, 3 }, 6).SelectMany(p => p)]);
        dir.WriteFile("Ant/a.png", Rgb(3, 2, 0, 0, 255));
        dir.WriteFile("cat/c.png", Rgb(3, 2, 9, 9, 9));
        dir.WriteText("cat/readme.txt", "not an image");

        // When opening it with raw values
        IDataset data = DatasetSpec.Open($"folder:{dir.Path}?scale=1");

        // Then classes are sorted ordinally, files sorted within each, and pixels are read as RGB planes
        data.ClassNames.ShouldBe(["Ant", "cat", "zebra"]);
        data.Count.ShouldBe(4);
        Enumerable.Range(0, 4).Select(data.GetLabel).ShouldBe([0, 1, 2, 2]);
        (data.Channels, data.Height, data.Width).ShouldBe((3, 2, 3));
        float[] sample = new float[18];
        data.ReadSample(2, sample);
        sample.ShouldBe([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
        data.ReadSample(3, sample);
        sample.ShouldBe([200, 200, 200, 200, 200, 200, 10, 10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20]);
    }

    [Fact]
    public void ReadSample_ManyThreads_GiveTheSameSamplesAsOneThread()
    {
        // Given a folder of 40 random images of different sizes, resized to 8x8
        using var dir = new TempDirectory();
        var random = new Random(6);
        for (int i = 0; i < 40; i++)
        {
            int w = random.Next(1, 20), h = random.Next(1, 20);
            ushort[] samples = [.. Enumerable.Range(0, w * h * 3).Select(_ => (ushort)random.Next(256))];
            dir.WriteFile($"c{i % 3}/{i:D2}.png", PngTestEncoder.Encode(w, h, 2, 8, samples));
        }

        IDataset data = DatasetSpec.Open($"folder:{dir.Path}?size=8&letterbox=1");

        // When reading them all sequentially and in parallel
        float[][] sequential = [.. Enumerable.Range(0, data.Count).Select(i => Read(data, i))];
        float[][] parallel = new float[data.Count][];
        Parallel.For(0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Read(data, i));

        // Then they are identical
        for (int i = 0; i < data.Count; i++)
        {
            parallel[i].ShouldBe(sequential[i]);
        }
    }

    [Fact]
    public void OpenFolder_JpegFile_ThrowsSuggestingPng()
    {
        // Given a class folder holding a .jpg
        using var dir = new TempDirectory();
        dir.WriteFile("a/x.png", Rgb(1, 1, 0, 0, 0));
        string jpeg = dir.WriteFile("b/y.JPG", [0xFF, 0xD8, 0xFF, 0xE0]);

        // When opening, Then the error names the file and suggests PNG
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"folder:{dir.Path}"));
        e.FilePath.ShouldBe(jpeg);
        e.Message.ShouldBe("expected PNG, BMP or PPM/PGM/PBM images, found .jpg files, which are not decoded here; convert the images to PNG");
    }

    [Fact]
    public void OpenFolder_NoSubfolders_Throws()
    {
        // Given a folder with a file and no subfolders
        using var dir = new TempDirectory();
        dir.WriteFile("x.png", Rgb(1, 1, 0, 0, 0));

        // When opening, Then the spec's location is the problem
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"folder:{dir.Path}"));
        e.FieldPath.ShouldBe("location");
        e.Message.ShouldEndWith("expected one subfolder per class in " + dir.Path + ", found no subfolders");
    }

    [Fact]
    public void ReadSample_CorruptImage_ThrowsWithTheImagePath()
    {
        // Given a folder where one PNG has a broken CRC
        using var dir = new TempDirectory();
        dir.WriteFile("a/0.png", Rgb(2, 2, 1, 2, 3));
        byte[] broken = Rgb(2, 2, 1, 2, 3);
        broken[20] ^= 0xFF;
        string path = dir.WriteFile("a/1.png", broken);
        IDataset data = DatasetSpec.Open($"folder:{dir.Path}");

        // When reading the broken sample, Then the decoder's error names the image file
        var e = Should.Throw<DatasetException>(() => data.ReadSample(1, new float[12]));
        e.FilePath.ShouldBe(path);
        e.FieldPath.ShouldBe("chunk[0] IHDR.crc");
    }

    [Fact]
    public void OpenList_PathLabelLines_ResolvesRelativeToTheListAndSkipsComments()
    {
        // Given a list file in sub/ naming gray images next to it and in a folder beside it
        using var dir = new TempDirectory();
        dir.WriteFile("sub/a.pgm", [.. "P5 2 1 255\n"u8, 0, 255]);
        dir.WriteFile("sub/img/b c.pgm", [.. "P5 2 1 255\n"u8, 51, 102]);
        dir.WriteText("sub/list.txt", "# path label\na.pgm 3\n\nimg/b c.pgm\t1\n");

        // When opening it with a model of 1 x 1 x 2
        IDataset data = DatasetSpec.Open("list:sub/list.txt", new DatasetOpenOptions { BaseDirectory = dir.Path, Channels = 1, Height = 1, Width = 2 });

        // Then paths with spaces work, labels are read, and the class count is the largest label + 1
        data.Count.ShouldBe(2);
        data.ClassCount.ShouldBe(4);
        data.GetLabel(0).ShouldBe(3);
        data.GetLabel(1).ShouldBe(1);
        float[] sample = new float[2];
        data.ReadSample(1, sample);
        sample[0].ShouldBe(0.2f, 1e-6f);
        sample[1].ShouldBe(0.4f, 1e-6f);
        data.Description.ShouldBe("list:sub/list.txt, 2 samples, 4 classes, 1x1x2");
    }

    [Theory]
    [InlineData("a.pgm 1\na.pgm x\n", 2, "label", "expected 'path label' with a non-negative integer label, found \"a.pgm x\"")]
    [InlineData("a.pgm\n", 1, "label", "expected 'path label' with a non-negative integer label, found \"a.pgm\"")]
    [InlineData("# c\nmissing.pgm 0\n", 2, "path", "expected an image file missing.pgm (relative to the list file), found none")]
    [InlineData("a.pgm 5\n", 1, "label", "expected a label below 3 (classes=3), found 5")]
    public void OpenList_BadLine_ThrowsWithLineNumber(string text, int line, string field, string message)
    {
        // Given a list file with a bad line
        using var dir = new TempDirectory();
        dir.WriteFile("a.pgm", [.. "P5 1 1 255\n"u8, 0]);
        string list = dir.WriteText("list.txt", text);

        // When opening it, Then the file, line, field and message are reported
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"list:{list}?classes=3"));
        e.FilePath.ShouldBe(list);
        e.Line.ShouldBe(line);
        e.FieldPath.ShouldBe(field);
        e.Message.ShouldBe(message);
    }

    private static float[] Read(IDataset data, int index)
    {
        float[] sample = new float[data.Channels * data.Height * data.Width];
        data.ReadSample(index, sample);
        return sample;
    }

    private static byte[] Rgb(int width, int height, int r, int g, int b) =>
        PngTestEncoder.Encode(width, height, 2, 8, [.. Enumerable.Repeat(new[] { (ushort)r, (ushort)g, (ushort)b }, width * height).SelectMany(p => p)]);
}
