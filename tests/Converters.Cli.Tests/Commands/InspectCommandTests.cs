using System.Text.Json;
using Converters.Ir;
using Converters.Ir.Statistics;
using Converters.Samples.TextNet;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private static string Sample => RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Inspect_Sample_PrintsLayerTableAndTotals()
    {
        // Given the sample, and its statistics computed by the library directly
        ModelStatistics expected = ExpectedStatistics(Sample);

        // When
        CliResult result = CliRunner.Run("inspect", Sample);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("TextNet (.tnet)");
        result.Output.ShouldContain("input  data: float32[1x3x32x32]");
        result.Output.ShouldContain("output prob: float32[1x10]");
        foreach (NodeStatistics row in expected.Nodes)
        {
            result.Output.ShouldContain(row.Node.Name);
        }

        // Row 0: conv1, 3x32x32 -> 16x32x32, 432 params, 16 x 32 x 32 x 27 = 442,368 MACs
        result.Output.ShouldMatch(@"\b0\s+conv1\s+Conv\s+1x3x32x32\s+1x16x32x32\s+432\s+442,368");
        result.Output.ShouldContain($"layers: {expected.Nodes.Count}");
        result.Output.ShouldContain($"params: {expected.TotalParameters:N0} trainable, {expected.TotalStoredValues:N0} stored values");
        result.Output.ShouldContain($"MACs:   {expected.TotalMacs:N0}");
    }

    [Fact]
    public void Inspect_Json_WritesTotalsAndOneRowPerLayer()
    {
        // Given
        string json = _folder.Combine("report.json");
        ModelStatistics expected = ExpectedStatistics(Sample);

        // When
        CliResult result = CliRunner.Run("inspect", Sample, "--json", json);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        root.GetProperty("format").GetString().ShouldBe("textnet");
        root.GetProperty("params").GetInt64().ShouldBe(expected.TotalParameters);
        root.GetProperty("macs").GetInt64().ShouldBe(expected.TotalMacs);
        root.GetProperty("stored_values").GetInt64().ShouldBe(expected.TotalStoredValues);
        JsonElement layers = root.GetProperty("layers");
        layers.GetArrayLength().ShouldBe(expected.Nodes.Count);
        JsonElement conv1 = layers[0];
        conv1.GetProperty("name").GetString().ShouldBe("conv1");
        conv1.GetProperty("op").GetString().ShouldBe("Conv");
        conv1.GetProperty("outputs")[0].EnumerateArray().Select(d => d.GetInt32()).ShouldBe([1, 16, 32, 32]);
        conv1.GetProperty("macs").GetInt64().ShouldBe(16L * 32 * 32 * 27);
        root.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ShouldBe([1, 3, 32, 32]);
        Directory.GetFiles(_folder.Path).ShouldBe([json]);
    }

    [Fact]
    public void Inspect_MissingFile_OneLineExitTwo()
    {
        string missing = _folder.Combine("nope.tnet");

        CliResult result = CliRunner.Run("inspect", missing);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe([$"error: {missing}: cannot open the file: file not found"]);
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public void Inspect_MalformedFile_CompilerStyleLineExitTwo()
    {
        // Given: line 3, column 25 holds the bad value
        string path = _folder.WriteText("bad.tnet", "textnet 1\ninput data float32 1x3x8x8\nconv1 = Conv(data) filters=abc kernel=3\noutput conv1\n");

        // When
        CliResult result = CliRunner.Run("inspect", path);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe([$"error: {path}:3:28: conv1.filters: 'filters' must be a positive integer, got \"abc\""]);
    }

    [Fact]
    public void Inspect_MalformedFileVerbose_AddsStackTrace()
    {
        string path = _folder.WriteText("bad.tnet", "textnet 1\ninput data float32 1x3x8x8\nconv1 = Conv(data) filters=abc kernel=3\noutput conv1\n");

        CliResult result = CliRunner.Run("inspect", path, "--verbose");

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.ShouldContain("   at ");
    }

    [Fact]
    public void Inspect_UnknownExtension_ListsLoadedFormats()
    {
        string path = _folder.WriteText("model.onnx", "not a model");

        CliResult result = CliRunner.Run("inspect", path);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldBe(
            $"error: {path}: no loaded plugin reads files with extension .onnx; loaded formats: caffe (.prototxt, .caffemodel); darknet (.cfg, .weights); tensorflow (.pb, .pbtxt); textnet (.tnet). Add a plugin folder with --plugins DIR.");
    }

    [Fact]
    public void Inspect_JsonToUnwritablePlace_ExitTwoNothingWritten()
    {
        // Given: the JSON path's folder is a file
        string blocker = _folder.WriteText("blocker", "x");

        CliResult result = CliRunner.Run("inspect", Sample, "--json", Path.Combine(blocker, "report.json"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith($"error: {Path.Combine(blocker, "report.json")}: cannot write the JSON report");
    }

    private static ModelStatistics ExpectedStatistics(string path)
    {
        Model model = new TextNetFormat().Read([Converters.Abstractions.ModelFile.Open(path)], Converters.Abstractions.FormatOptions.Empty);
        return ModelStatistics.Compute(model.Graph);
    }
}
