using System.Text;
using Converters.Abstractions;
using Converters.Plugins.Caffe.Tests.Conformance;
using Converters.Testing.Mutation;
using Xunit.Abstractions;

namespace Converters.Plugins.Caffe.Tests.Mutation;

/// <summary>Seeded mutants of a prototxt (text) and of its caffemodel (binary): only ModelFormatExceptions, bounded time and memory.</summary>
public sealed class CaffeMutationTests(ITestOutputHelper output)
{
    private static void ReadPair(IReadOnlyDictionary<string, string> paths) =>
        new CaffeFormat().Read([ModelFile.Open(paths["net.prototxt"]), ModelFile.Open(paths["net.caffemodel"])], FormatOptions.Empty);

    [Theory]
    [InlineData("resnet_bottleneck", 11)]
    [InlineData("squeezenet_fire", 12)]
    [InlineData("lenet_v1", 13)]
    [InlineData("concat_slice_split", 14)]
    public void Read_MutatedPrototxt_OnlyFormatErrors(string name, int seed)
    {
        // Given
        LayerCase c = LayerCases.All[name];
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["net.prototxt"] = Encoding.UTF8.GetBytes(c.Prototxt),
        };

        // When
        MutationReport report = ReaderMutationHarness.Run(files, paths => new CaffeFormat().Read([ModelFile.Open(paths["net.prototxt"])], FormatOptions.Empty), new MutationOptions { Seed = seed, Count = 300, Text = true });

        // Then
        output.WriteLine(report.ToString());
        report.Accepted.ShouldBeGreaterThan(0);
        report.Rejected.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("resnet_bottleneck", 21)]
    [InlineData("lenet_v1", 22)]
    public void Read_MutatedCaffemodel_OnlyFormatErrors(string name, int seed)
    {
        // Given
        LayerCase c = LayerCases.All[name];
        byte[] model = Caffemodels.Build(7, c.Blobs);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["net.prototxt"] = Encoding.UTF8.GetBytes(c.Prototxt),
            ["net.caffemodel"] = model,
        };

        // When
        MutationReport report = ReaderMutationHarness.Run(files, ReadPair, new MutationOptions { Seed = seed, Count = 300, Boundaries = [2, 4, 8, 16, 64] });

        // Then
        output.WriteLine(report.ToString());
        report.Accepted.ShouldBeGreaterThan(0);
        report.Rejected.ShouldBeGreaterThan(0);
    }
}
