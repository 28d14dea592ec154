using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

public class NpyDatasetReaderTests
{
    [Fact]
    public void Open_Uint8ImagesWithIntLabels_ScalesBy255()
    {
        // Given X: 3 x 4 x 2 uint8 (N x H x W) and Y: 3 int64 labels
        using var dir = new TempDirectory();
        byte[] pixels = [.. Enumerable.Range(0, 24).Select(i => (byte)(i * 10))];
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(TensorShape.Of(3, 4, 2), pixels));
        NpyWriter.Write(dir.Combine("y.npy"), TensorData.Create(TensorShape.Of(3), new long[] { 2, 0, 5 }));

        // When opening the pair relative to the base folder
        IDataset data = DatasetSpec.Open("npy:x.npy,y.npy", new DatasetOpenOptions { BaseDirectory = dir.Path });

        // Then samples are pixel / 255 and the class count is the largest label + 1
        (data.Count, data.Channels, data.Height, data.Width, data.ClassCount).ShouldBe((3, 1, 4, 2, 6));
        float[] sample = new float[8];
        data.ReadSample(1, sample);
        for (int i = 0; i < 8; i++)
        {
            sample[i].ShouldBe(pixels[8 + i] / 255f, 1e-6f);
        }

        Enumerable.Range(0, 3).Select(data.GetLabel).ShouldBe([2, 0, 5]);
    }

    [Fact]
    public void Open_Float32ImagesWithOneHotLabels_UsesValuesAsTheyAre()
    {
        // Given X: 2 x 3 x 2 x 2 float32 and Y: 2 x 4 one-hot float32
        using var dir = new TempDirectory();
        float[] values = [.. Enumerable.Range(0, 24).Select(i => (i * 0.1f) - 1f)];
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(TensorShape.Of(2, 3, 2, 2), values));
        NpyWriter.Write(dir.Combine("y.npy"), TensorData.Create(TensorShape.Of(2, 4), new float[] { 0, 0, 1, 0, 0, 1, 0, 0 }));

        // When opening, and opening again with mean and scale
        IDataset data = DatasetSpec.Open($"npy:{dir.Combine("x.npy")},{dir.Combine("y.npy")}");
        IDataset normalised = DatasetSpec.Open($"npy:{dir.Combine("x.npy")},{dir.Combine("y.npy")}?mean=1&scale=2");

        // Then the floats pass through unchanged (scale 1, mean 0) unless keys say otherwise
        data.ClassCount.ShouldBe(4);
        data.GetLabel(0).ShouldBe(2);
        data.GetLabel(1).ShouldBe(1);
        float[] sample = new float[12];
        data.ReadSample(1, sample);
        sample.ShouldBe(values.AsSpan(12, 12).ToArray());
        normalised.ReadSample(1, sample);
        sample.ShouldBe(values.AsSpan(12, 12).ToArray().Select(v => (v - 1) * 2).ToArray(), tolerance: 1e-6);
    }

    [Fact]
    public void Open_LabelCountDiffers_ThrowsOnTheLabelFile()
    {
        // Given 3 samples and 2 labels
        using var dir = new TempDirectory();
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(TensorShape.Of(3, 2, 2), new byte[12]));
        NpyWriter.Write(dir.Combine("y.npy"), TensorData.Create(TensorShape.Of(2), new int[2]));

        // When opening, Then the label file's shape is the problem
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"npy:{dir.Combine("x.npy")},{dir.Combine("y.npy")}"));
        e.FilePath.ShouldBe(dir.Combine("y.npy"));
        e.FieldPath.ShouldBe("header.shape");
        e.Message.ShouldBe("expected labels of shape (3,) or (3, K) to match 3 samples, found (2,)");
    }

    [Fact]
    public void Open_SamplesOfWrongRankOrType_Throw()
    {
        // Given a 2-D X and a float64 X
        using var dir = new TempDirectory();
        NpyWriter.Write(dir.Combine("flat.npy"), TensorData.Create(TensorShape.Of(3, 4), new byte[12]));
        NpyWriter.Write(dir.Combine("f64.npy"), TensorData.Create(TensorShape.Of(1, 2, 2), new double[4]));
        NpyWriter.Write(dir.Combine("y.npy"), TensorData.Create(TensorShape.Of(3), new int[3]));

        // When opening, Then each names X's header field
        var rank = Should.Throw<DatasetException>(() => DatasetSpec.Open($"npy:{dir.Combine("flat.npy")},{dir.Combine("y.npy")}"));
        rank.FieldPath.ShouldBe("header.shape");
        rank.Message.ShouldBe("expected samples of shape N x C x H x W (C = 1 or 3) or N x H x W, found (3, 4)");
        var type = Should.Throw<DatasetException>(() => DatasetSpec.Open($"npy:{dir.Combine("f64.npy")},{dir.Combine("y.npy")}"));
        type.FieldPath.ShouldBe("header.descr");
        type.Message.ShouldBe("expected uint8 ('|u1') or float32 ('<f4') samples, found float64");
    }

    [Fact]
    public void Open_CorruptNpy_RethrowsAsDatasetErrorWithOffset()
    {
        // Given an X file that is not .npy
        using var dir = new TempDirectory();
        string x = dir.WriteText("x.npy", "not numpy at all");
        NpyWriter.Write(dir.Combine("y.npy"), TensorData.Create(TensorShape.Of(1), new int[1]));

        // When opening, Then the .npy reader's location survives in a DatasetException
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"npy:{x},{dir.Combine("y.npy")}"));
        e.FilePath.ShouldBe(x);
        e.ByteOffset.ShouldBe(0);
        e.FieldPath.ShouldBe("magic");
        e.InnerException.ShouldBeOfType<NpyFormatException>();
    }
}
