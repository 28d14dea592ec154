using Converters.Abstractions;
using Converters.Testing.Mutation;

namespace Converters.Samples.TextNet.Tests.Reading;

/// <summary>The reader under the seeded mutation harness: only ModelFormatExceptions, no hangs, bounded allocation.</summary>
public sealed class TextNetMutationTests
{
    [Theory]
    [InlineData("tiny-cnn.tnet", 20240601, 400)]
    [InlineData("tiny-seg.tnet", 7, 200)]
    public void Read_MutatedSample_RejectsCleanlyOrAccepts(string sample, int seed, int count)
    {
        // Given a shipped sample and a fixed seed. TextNet generates weights by design, so the
        // allocation limit is the default plus the reader's own cap on generated values.
        byte[] content = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", sample));
        var format = new TextNetFormat();
        var options = new MutationOptions
        {
            Seed = seed,
            Count = count,
            Text = true,
            AllocationLimit = MutationOptions.DefaultAllocationLimit(content.Length) + (TextNetLimits.MaxGeneratedValues * sizeof(float)),
        };

        // When every mutant is read
        MutationReport report = ReaderMutationHarness.Run(sample, content, path => format.Read([ModelFile.Open(path)], FormatOptions.Empty), options);

        // Then the harness ran them all, and both outcomes occurred
        report.Mutants.ShouldBe(count);
        report.Accepted.ShouldBeGreaterThan(0);
        report.Rejected.ShouldBeGreaterThan(0);
    }
}
