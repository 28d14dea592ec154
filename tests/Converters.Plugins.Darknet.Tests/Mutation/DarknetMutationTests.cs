using System.Text;
using Converters.Abstractions;
using Converters.Testing.Mutation;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Mutation;

/// <summary>Seeded mutants of a small cfg (text) and of its weights (binary): only ModelFormatExceptions, bounded time and memory.</summary>
public sealed class DarknetMutationTests(ITestOutputHelper output)
{
    private static void ReadPair(IReadOnlyDictionary<string, string> paths) =>
        new DarknetFormat().Read([ModelFile.Open(paths["model.cfg"]), ModelFile.Open(paths["model.weights"])], FormatOptions.Empty);

    [Fact]
    public void Read_MutatedCfg_OnlyFormatErrors()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["model.cfg"] = Encoding.UTF8.GetBytes(TestModels.AlexeyCfg),
        };

        MutationReport report = ReaderMutationHarness.Run(
            files,
            paths => new DarknetFormat().Read([ModelFile.Open(paths["model.cfg"])], new FormatOptions([new(DarknetFormat.ForkOption, "alexeyab")])),
            new MutationOptions { Seed = 3, Count = 300, Text = true });

        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Read_MutatedWeights_OnlyFormatErrors()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["model.cfg"] = Encoding.UTF8.GetBytes(TestModels.TinyCfg),
            ["model.weights"] = TestModels.Weights(TestModels.TinyFloats),
        };

        MutationReport report = ReaderMutationHarness.Run(files, ReadPair, new MutationOptions { Seed = 5, Count = 300, Boundaries = [12, 16, 20, 36, 84, 516] });

        output.WriteLine(report.ToString());
    }
}
