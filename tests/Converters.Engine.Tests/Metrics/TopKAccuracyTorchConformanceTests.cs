using System.Globalization;
using System.Runtime.InteropServices;
using Converters.Engine.Metrics;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Metrics;

/// <summary>
/// <see cref="TopKAccuracy"/> against the usual PyTorch evaluation (<c>x.topk(k, 1).indices == label</c>,
/// any over k) in /usr/bin/python3, on seeded random scores without ties (where the two tie rules agree).
/// </summary>
public class TopKAccuracyTorchConformanceTests(ITestOutputHelper output)
{
    private const int Samples = 500, Classes = 10;

    private static readonly int[] s_ks = [1, 2, 5, 10];

    private const string Script = """
        import sys, numpy as np, torch
        x = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[3])))
        labels = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.int32).astype(np.int64))
        for k in sys.argv[4:]:
            pred = x.topk(int(k), 1).indices
            print(int((pred == labels[:, None]).any(1).sum()))
        """;

    [Fact]
    public void Add_RandomScores_CorrectCountsEqualTorchTopk()
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given: 500 samples of 10 random scores (distinct per sample) and random labels
        var random = new Random(7);
        float[] scores = new float[Samples * Classes];
        int[] labels = new int[Samples];
        for (int s = 0; s < Samples; s++)
        {
            Span<float> row = scores.AsSpan(s * Classes, Classes);
            do
            {
                for (int c = 0; c < Classes; c++)
                {
                    row[c] = (random.NextSingle() * 8) - 4;
                }
            }
            while (row.ToArray().Distinct().Count() != Classes);

            labels[s] = random.Next(Classes);
        }

        using var dir = new TempDirectory();
        string scoresPath = dir.WriteFile("scores.bin", MemoryMarshal.AsBytes(scores.AsSpan()).ToArray());
        string labelsPath = dir.WriteFile("labels.bin", MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());

        // When
        TopKAccuracy[] ours = [.. s_ks.Select(k => new TopKAccuracy(k))];
        for (int s = 0; s < Samples; s++)
        {
            foreach (TopKAccuracy accuracy in ours)
            {
                accuracy.Add(scores.AsSpan(s * Classes, Classes), labels[s]);
            }
        }

        string[] torch = Oracle.Python.Run(Script, [scoresPath, labelsPath, Classes.ToString(CultureInfo.InvariantCulture), .. s_ks.Select(k => k.ToString(CultureInfo.InvariantCulture))])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Then
        long[] expected = [.. torch.Select(t => long.Parse(t, CultureInfo.InvariantCulture))];
        long[] actual = [.. ours.Select(a => a.Correct)];
        output.WriteLine($"k = {string.Join(", ", s_ks)}: torch {string.Join(", ", expected)}, ours {string.Join(", ", actual)} of {Samples}");
        actual.ShouldBe(expected);
        actual[^1].ShouldBe(Samples);
    }
}
