using System.Buffers.Binary;
using System.IO.Compression;
using Converters.Engine.Data;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

public class MnistIdxReaderTests
{
    [Fact]
    public void Open_IdxFiles_ReadsPixelsAndLabelsOfTheChosenSplit()
    {
        // Given train files (images gzipped) of 3 images 5x4 and test files of 2 images
        using var dir = new TempDirectory();
        byte[] trainPixels = Pixels(3 * 20, 1);
        byte[] testPixels = Pixels(2 * 20, 2);
        dir.WriteFile("train-images-idx3-ubyte.gz", Gzip(Idx(0x803, [3, 4, 5], trainPixels)));
        dir.WriteFile("train-labels-idx1-ubyte", Idx(0x801, [3], [7, 0, 9]));
        dir.WriteFile("t10k-images.idx3-ubyte", Idx(0x803, [2, 4, 5], testPixels));
        dir.WriteFile("t10k-labels.idx1-ubyte", Idx(0x801, [2], [3, 4]));
        var options = new DatasetOpenOptions { BaseDirectory = dir.Path };

        // When opening both splits with raw pixel values
        IDataset train = DatasetSpec.Open("mnist:.?scale=1", options);
        IDataset test = DatasetSpec.Open("mnist:.?split=test&scale=1", options);

        // Then samples are the IDX bytes, row-major, with their labels
        (train.Count, train.Channels, train.Height, train.Width, train.ClassCount).ShouldBe((3, 1, 4, 5, 10));
        train.Description.ShouldBe("mnist:. (train), 3 samples, 10 classes, 1x4x5");
        float[] sample = new float[20];
        train.ReadSample(2, sample);
        sample.ShouldBe(trainPixels.AsSpan(40, 20).ToArray().Select(b => (float)b).ToArray());
        Enumerable.Range(0, 3).Select(train.GetLabel).ShouldBe([7, 0, 9]);
        test.Count.ShouldBe(2);
        test.ReadSample(1, sample);
        sample.ShouldBe(testPixels.AsSpan(20, 20).ToArray().Select(b => (float)b).ToArray());
        test.GetLabel(1).ShouldBe(4);
    }

    [Fact]
    public void Open_ModelInputLarger_ResizesAndLimitsWithN()
    {
        // Given 4 MNIST images of 4x4 and a model input of 3 x 8 x 8
        using var dir = new TempDirectory();
        dir.WriteFile("train-images-idx3-ubyte", Idx(0x803, [4, 4, 4], [.. Enumerable.Repeat((byte)51, 64)]));
        dir.WriteFile("train-labels-idx1-ubyte", Idx(0x801, [4], [1, 2, 3, 4]));

        // When opening with n=2
        IDataset data = DatasetSpec.Open($"mnist:{dir.Path}?n=2", new DatasetOpenOptions { Channels = 3, Height = 8, Width = 8 });

        // Then two samples of 3x8x8, gray copied to each channel, constant 51/255
        (data.Count, data.Channels, data.Height, data.Width).ShouldBe((2, 3, 8, 8));
        float[] sample = new float[192];
        data.ReadSample(1, sample);
        sample.ShouldAllBe(v => Math.Abs(v - 0.2f) < 1e-6f);
    }

    [Fact]
    public void Open_LabelFileWhereImagesBelong_ThrowsWrongMagic()
    {
        // Given a label file saved under the image file's name
        using var dir = new TempDirectory();
        string images = dir.WriteFile("t10k-images-idx3-ubyte", Idx(0x801, [2], [1, 2]));
        dir.WriteFile("t10k-labels-idx1-ubyte", Idx(0x801, [2], [1, 2]));

        // When opening, Then the error names the file, byte 0 and both magics
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist:{dir.Path}?split=test"));
        e.FilePath.ShouldBe(images);
        e.ByteOffset.ShouldBe(0);
        e.FieldPath.ShouldBe("magic");
        e.Message.ShouldBe("IDX magic 0x00000803 expected, found 0x00000801 (this is a label file)");
        e.ToDiagnostic().ShouldBe($"{images}: byte 0: magic: IDX magic 0x00000803 expected, found 0x00000801 (this is a label file)");
    }

    [Fact]
    public void Open_ShortImageFile_ThrowsTruncatedAtItsEnd()
    {
        // Given an image file declaring 3 images of 4x4 but holding 40 of 48 bytes
        using var dir = new TempDirectory();
        string images = dir.WriteFile("train-images-idx3-ubyte", Idx(0x803, [3, 4, 4], new byte[40]));
        dir.WriteFile("train-labels-idx1-ubyte", Idx(0x801, [3], [1, 2, 3]));

        // When opening, Then the error is at the end of the data with both lengths
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist:{dir.Path}"));
        e.FilePath.ShouldBe(images);
        e.ByteOffset.ShouldBe(56);
        e.FieldPath.ShouldBe("data");
        e.Message.ShouldBe("expected 48 data bytes for dimensions 3x4x4 (file length 64), found 40 (file length 56); the file is truncated");
    }

    [Fact]
    public void Open_CountMismatchOrBadLabel_Throws()
    {
        // Given 2 images with 3 labels, and 2 images with a label 12
        using var dir = new TempDirectory();
        dir.WriteFile("a/train-images-idx3-ubyte", Idx(0x803, [2, 1, 1], [0, 0]));
        string labelsA = dir.WriteFile("a/train-labels-idx1-ubyte", Idx(0x801, [3], [1, 2, 3]));
        dir.WriteFile("b/train-images-idx3-ubyte", Idx(0x803, [2, 1, 1], [0, 0]));
        string labelsB = dir.WriteFile("b/train-labels-idx1-ubyte", Idx(0x801, [2], [1, 12]));

        // When opening, Then each error names the label file and the offending field
        var count = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist:{dir.Combine("a")}"));
        count.FilePath.ShouldBe(labelsA);
        count.Message.ShouldBe("expected 2 labels (the image count of train-images-idx3-ubyte), found 3");
        var label = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist:{dir.Combine("b")}"));
        label.FilePath.ShouldBe(labelsB);
        label.ByteOffset.ShouldBe(9);
        label.FieldPath.ShouldBe("label[1]");
        label.Message.ShouldBe("expected a digit label 0..9, found 12 for image 1");
    }

    [Fact]
    public void Open_MissingFiles_ThrowsListingTheNames()
    {
        // Given an empty folder, When opening it as MNIST
        using var dir = new TempDirectory();
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist:{dir.Path}"));

        // Then the message names the files it looked for
        e.FieldPath.ShouldBe("location");
        e.Message.ShouldContain("expected train-images-idx3-ubyte (or train-images.idx3-ubyte, optionally .gz)");
    }

    internal static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        byte[] file = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        data.CopyTo(file, 4 + (4 * dimensions.Length));
        return file;
    }

    private static byte[] Pixels(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (byte)random.Next(256))];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return memory.ToArray();
    }
}
