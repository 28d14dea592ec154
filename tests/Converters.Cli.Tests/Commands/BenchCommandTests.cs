using System.Text.Json;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private static string Sample => RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Bench_SizeAndBatch_ReportsFlopsOfTheResizedModelAndEverySample()
    {
        // Given tiny-cnn at 64x64, batch 2. Multiply-accumulates per image, counted by hand from the
        // .tnet: conv1 16x64x64 outputs x 27 = 1,769,472; conv2 and conv3 16x32x32 x 144 = 2,359,296
        // each; conv4 32x16x16 x 144 = 1,179,648; branch 16x16x16 x 16 = 65,536; fc 48 x 10 = 480.
        const long macsPerImage = 1_769_472 + (2 * 2_359_296) + 1_179_648 + 65_536 + 480;
        string json = _folder.Combine("bench.json");

        // When
        CliResult result = CliRunner.Run("bench", Sample, "--size", "64x64", "--batch", "2", "--warmup", "1", "--repeat", "3", "--threads", "1", "--json", json);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("input 2x3x64x64");
        result.Output.ShouldContain("1 warm-up + 3 timed runs");
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        root.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).ShouldBe([2, 3, 64, 64]);
        root.GetProperty("flops").GetInt64().ShouldBe(2 * 2 * macsPerImage);
        double[] samples = [.. root.GetProperty("samples_ms").EnumerateArray().Select(e => e.GetDouble())];
        samples.Length.ShouldBe(3);
        samples.ShouldAllBe(s => s > 0);
        root.GetProperty("median_ms").GetDouble().ShouldBe(samples.Order().ElementAt(1));
        root.GetProperty("min_ms").GetDouble().ShouldBe(samples.Min());
        root.GetProperty("gflops").GetDouble().ShouldBe(2 * 2 * macsPerImage / (samples.Order().ElementAt(1) / 1e3) / 1e9, 1e-9);
        root.GetProperty("sgemm_peak_gflops").GetDouble().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("--size", "416", "--size: must be WIDTHxHEIGHT")]
    [InlineData("--size", "0x32", "--size: must be WIDTHxHEIGHT (e.g. 416x416) or one positive size, got \"0x32\"")]
    [InlineData("--batch", "0", "--batch: must be a positive integer, got 0")]
    [InlineData("--repeat", "0", "--repeat: must be a positive integer, got 0")]
    [InlineData("--warmup", "-1", "--warmup: must be 0 or more, got -1")]
    public void Bench_BadOption_ExitsTwoWithOneLine(string option, string value, string expected)
    {
        // When
        string[] args = option == "--repeat" ? ["bench", Sample, option, value] : ["bench", Sample, option, value, "--repeat", "1"];
        CliResult result = CliRunner.Run(args);

        // Then
        if (value == "416")
        {
            // A single number is a square size, so this one is valid.
            result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
            result.Output.ShouldContain("input 1x3x416x416");
            return;
        }

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe([$"error: {expected}"]);
    }

    [Fact]
    public void Bench_SizeTheModelCannotTake_NamesTheNode()
    {
        // Given a classifier whose fully connected layer is sized for 8x8 feature maps
        string model = _folder.Combine("fixed.tnet");
        File.WriteAllText(model, """
            textnet 1
            graph fixed
            input data float32 1x3x8x8
            weights seed=1
            conv = Conv(data) filters=4 kernel=3 pad=1
            flat = Flatten(conv)
            fc = Gemm(flat) units=2
            output fc
            """);

        // When
        CliResult result = CliRunner.Run("bench", model, "--size", "16x16", "--repeat", "1");

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Length.ShouldBe(1);
        result.ErrorLines[0].ShouldStartWith("error: --size: the model cannot run with input 1x3x16x16: ");
        result.ErrorLines[0].ShouldContain("fc");
    }
}
