using System.Text.Json;
using Converters.Abstractions;
using Converters.Cli.Commands;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Samples.TextNet;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private static string Sample => RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

    public void Dispose() => _folder.Dispose();

    private string WriteInput(int[] shape, string name = "x.npy")
    {
        var r = new Random(3);
        float[] data = [.. Enumerable.Range(0, (int)TensorShape.Of(shape).ElementCount).Select(_ => (float)r.NextDouble())];
        string path = _folder.Combine(name);
        NpyWriter.Write(path, TensorData.Create(TensorShape.Of(shape), data));
        return path;
    }

    private static Dictionary<string, TensorData> Expected(string input, params string[] outputs)
    {
        Model model = new TextNetFormat().Read([ModelFile.Open(Sample)], FormatOptions.Empty);
        return new InferenceSession(model).Run(new Dictionary<string, TensorData> { ["data"] = NpyReader.Read(input) }, outputs.Length == 0 ? null : outputs).ToDictionary();
    }

    [Fact]
    public void Run_Sample_WritesGraphOutputsByIndexAndTheIndex()
    {
        // Given
        string input = WriteInput([1, 3, 32, 32]);
        string dir = _folder.Combine("out");

        // When
        CliResult result = CliRunner.Run("run", Sample, "--input", input, "--output-dir", dir);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        TensorData prob = NpyReader.Read(Path.Combine(dir, "0.npy"));
        prob.ContentEquals(Expected(input)["prob"]).ShouldBeTrue();
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "outputs.json")));
        JsonElement entry = index.RootElement.EnumerateArray().Single();
        entry.GetProperty("name").GetString().ShouldBe("prob");
        entry.GetProperty("file").GetString().ShouldBe("0.npy");
        entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ShouldBe([1, 10]);
        Directory.GetFiles(dir).Select(Path.GetFileName).Order().ShouldBe(["0.npy", "outputs.json"]);
    }

    [Fact]
    public void Run_NamedOutputsAndBatchAndRepeat()
    {
        // Given a batch of 2 (the model says 1) and two named values
        string input = WriteInput([2, 3, 32, 32]);
        string dir = _folder.Combine("named");

        // When
        CliResult result = CliRunner.Run("run", Sample, "--input", $"data={input}", "--output-dir", dir, "--outputs", "act3,prob", "--repeat", "3", "--threads", "1");

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldMatch(@"forward: median [0-9.]+ ms over 3 runs");
        Dictionary<string, TensorData> expected = Expected(input, "act3", "prob");
        NpyReader.Read(Path.Combine(dir, "act3.npy")).ContentEquals(expected["act3"]).ShouldBeTrue();
        NpyReader.Read(Path.Combine(dir, "prob.npy")).Shape.ShouldBe(TensorShape.Of(2, 10));
    }

    [Theory]
    [InlineData("conv/1", "conv%2F1")]
    [InlineData("a b:c", "a%20b%3Ac")]
    [InlineData("..", "%2E.")]
    [InlineData("x.y-z_1", "x.y-z_1")]
    [InlineData("50%", "50%25")]
    [InlineData("é", "%C3%A9")]
    public void EscapeFileName_PercentEncodesUnsafeBytes(string name, string expected) =>
        RunCommand.EscapeFileName(name).ShouldBe(expected);

    [Fact]
    public void Run_WrongInputShape_ExitsTwoWithOneLineAndWritesNothing()
    {
        string input = WriteInput([1, 3, 32, 31]);
        string dir = _folder.Combine("bad");
        CliResult result = CliRunner.Run("run", Sample, "--input", input, "--output-dir", dir);
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Length.ShouldBe(1, result.Error);
        result.Error.ShouldContain("1x3x32x31");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Fact]
    public void Run_UnknownOutputName_ExitsTwo()
    {
        string input = WriteInput([1, 3, 32, 32]);
        string dir = _folder.Combine("unknown");
        CliResult result = CliRunner.Run("run", Sample, "--input", input, "--output-dir", dir, "--outputs", "prob,nope");
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Length.ShouldBe(1, result.Error);
        result.Error.ShouldContain("'nope'");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Fact]
    public void Run_UnreadableOrWrongTypeInput_ExitsTwo()
    {
        string garbage = _folder.WriteText("garbage.npy", "not an npy file");
        string dir = _folder.Combine("garbage");
        CliResult bad = CliRunner.Run("run", Sample, "--input", garbage, "--output-dir", dir);
        bad.ExitCode.ShouldBe(ExitCodes.BadInput);
        bad.ErrorLines.Length.ShouldBe(1, bad.Error);

        CliResult missing = CliRunner.Run("run", Sample, "--input", _folder.Combine("missing.npy"), "--output-dir", dir);
        missing.ExitCode.ShouldBe(ExitCodes.BadInput, missing.Error);

        string ints = _folder.Combine("ints.npy");
        NpyWriter.Write(ints, TensorData.Create(TensorShape.Of(1, 3, 32, 32), new int[3 * 32 * 32]));
        CliResult wrongType = CliRunner.Run("run", Sample, "--input", ints, "--output-dir", dir);
        wrongType.ExitCode.ShouldBe(ExitCodes.BadInput);
        wrongType.Error.ShouldContain("float32");
        Directory.Exists(dir).ShouldBeFalse();
    }
}
