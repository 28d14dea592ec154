using Converters.Engine.Data;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

public class Cifar10ReaderTests
{
    [Fact]
    public void Open_BinaryBatches_ReadsPlanarRgbAndLabelsInFileOrder()
    {
        // Given five train batches of 2 records each and a test batch of 3, with class names
        using var dir = new TempDirectory();
        var random = new Random(8);
        var records = new List<(int Label, byte[] Pixels)>();
        for (int b = 1; b <= 5; b++)
        {
            dir.WriteFile($"data_batch_{b}.bin", Batch(random, 2, records));
        }

        var testRecords = new List<(int Label, byte[] Pixels)>();
        dir.WriteFile("test_batch.bin", Batch(random, 3, testRecords));
        dir.WriteText("batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");

        // When opening the train split with raw values and the test split in BGR order
        IDataset train = DatasetSpec.Open($"cifar10:{dir.Path}?scale=1");
        IDataset test = DatasetSpec.Open($"cifar10:{dir.Path}?split=test&scale=1&order=bgr");

        // Then record 7 (batch 4, second record) is sample 7; BGR swaps the red and blue planes
        (train.Count, train.Channels, train.Height, train.Width).ShouldBe((10, 3, 32, 32));
        train.ClassNames.ShouldBe(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
        float[] sample = new float[3072];
        train.ReadSample(7, sample);
        sample.ShouldBe(records[7].Pixels.Select(p => (float)p).ToArray());
        train.GetLabel(7).ShouldBe(records[7].Label);
        test.Count.ShouldBe(3);
        test.ReadSample(2, sample);
        byte[] rgb = testRecords[2].Pixels;
        sample.AsSpan(0, 1024).ToArray().ShouldBe(rgb.AsSpan(2048, 1024).ToArray().Select(p => (float)p).ToArray());
        sample.AsSpan(1024, 1024).ToArray().ShouldBe(rgb.AsSpan(1024, 1024).ToArray().Select(p => (float)p).ToArray());
        sample.AsSpan(2048, 1024).ToArray().ShouldBe(rgb.AsSpan(0, 1024).ToArray().Select(p => (float)p).ToArray());
    }

    [Fact]
    public void Open_TruncatedBatch_ThrowsAtTheIncompleteRecord()
    {
        // Given a test batch of one record and 100 more bytes
        using var dir = new TempDirectory();
        string path = dir.WriteFile("test_batch.bin", new byte[3073 + 100]);

        // When opening, Then the error points at record 1
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"cifar10:{dir.Path}?split=test"));
        e.FilePath.ShouldBe(path);
        e.ByteOffset.ShouldBe(3073);
        e.FieldPath.ShouldBe("record[1]");
        e.Message.ShouldBe("expected whole records of 3073 bytes (1 label byte and 3072 pixel bytes), found a 3173-byte file with 100 bytes left after 1 records; the file is truncated");
    }

    [Fact]
    public void Open_LabelAboveNine_ThrowsAtTheRecord()
    {
        // Given a test batch whose second record has label 10
        using var dir = new TempDirectory();
        byte[] data = new byte[2 * 3073];
        data[3073] = 10;
        string path = dir.WriteFile("test_batch.bin", data);

        // When opening, Then the error names the record's label field
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"cifar10:{dir.Path}?split=test"));
        e.FilePath.ShouldBe(path);
        e.ByteOffset.ShouldBe(3073);
        e.FieldPath.ShouldBe("record[1].label");
        e.Message.ShouldBe("expected a class label 0..9, found 10");
    }

    [Fact]
    public void Open_MissingBatches_ThrowsListingThem()
    {
        // Given only data_batch_1.bin
        using var dir = new TempDirectory();
        dir.WriteFile("data_batch_1.bin", new byte[3073]);

        // When opening the train split, Then the missing batches are listed
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"cifar10:{dir.Path}"));
        e.FieldPath.ShouldBe("location");
        e.Message.ShouldContain("missing data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin");
    }

    private static byte[] Batch(Random random, int count, List<(int Label, byte[] Pixels)> records)
    {
        byte[] data = new byte[count * 3073];
        for (int r = 0; r < count; r++)
        {
            int label = random.Next(10);
            byte[] pixels = new byte[3072];
            random.NextBytes(pixels);
            data[r * 3073] = (byte)label;
            pixels.CopyTo(data, (r * 3073) + 1);
            records.Add((label, pixels));
        }

        return data;
    }
}
