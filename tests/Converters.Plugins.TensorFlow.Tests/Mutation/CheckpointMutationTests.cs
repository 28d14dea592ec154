using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Plugins.TensorFlow.Tests.Checkpoint;
using Converters.Testing;
using Converters.Testing.Mutation;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Mutation;

/// <summary>Seeded mutants of a written checkpoint (index, data shard, state file): only format errors, bounded time and memory.</summary>
public sealed class CheckpointMutationTests(ITestOutputHelper output)
{
    private static void ReadEverything(IReadOnlyDictionary<string, string> paths)
    {
        CheckpointReader reader = CheckpointReader.Open(Path.GetDirectoryName(paths["checkpoint"])!);
        foreach (CheckpointTensor tensor in reader.ReadAll())
        {
            _ = tensor.Data.Length;
        }
    }

    [Fact]
    public void Open_MutatedCheckpoint_OnlyFormatErrors()
    {
        // Given: a checkpoint of 40 float tensors and a string tensor with 256-byte blocks (several data blocks and restarts)
        using var folder = new TempDirectory();
        var tensors = Enumerable.Range(0, 40).Select(i => CheckpointTensors.Float($"v{i:D2}", [i % 3, 2], i)).ToList();
        tensors.Add(new CheckpointTensor("names", Tensorflow.DataType.DtString, [3], [], [[1, 2, 3], [], [4, 5]]));
        CheckpointWriter.Write(folder.Path, "m", tensors, blockSize: 256);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["m.index"] = File.ReadAllBytes(folder.Combine("m.index")),
            ["m.data-00000-of-00001"] = File.ReadAllBytes(folder.Combine("m.data-00000-of-00001")),
            ["checkpoint"] = File.ReadAllBytes(folder.Combine("checkpoint")),
        };
        long indexLength = files["m.index"].Length;

        // When: 600 mutants are read; Then: the harness fails the test if anything but a format error escapes
        MutationReport report = ReaderMutationHarness.Run(
            files,
            ReadEverything,
            new MutationOptions { Seed = 7, Count = 600, Boundaries = [indexLength - 48, indexLength - 8, 256, 512] });

        output.WriteLine(report.ToString());
        report.Rejected.ShouldBeGreaterThan(report.Mutants / 2);
    }
}
