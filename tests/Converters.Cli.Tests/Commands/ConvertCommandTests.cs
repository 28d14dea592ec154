using Converters.Abstractions;
using Converters.Ir;
using Converters.Samples.TextNet;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class ConvertCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private static string Sample => RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Convert_ToSameFormat_WritesAnEquivalentModel()
    {
        // Given
        string output = _folder.Combine("out");

        // When
        CliResult result = CliRunner.Run("convert", Sample, "--to", "textnet", "-o", output, "--name", "copy");

        // Then: the written file reads back to the same graph with bit-identical tensors
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        string written = Path.Combine(output, "copy.tnet");
        result.Output.ShouldContain($"wrote {written}");
        Directory.GetFiles(output).ShouldBe([written]);
        var format = new TextNetFormat();
        Graph original = format.Read([ModelFile.Open(Sample)], FormatOptions.Empty).Graph;
        Graph copy = format.Read([ModelFile.Open(written)], FormatOptions.Empty).Graph;
        copy.Nodes.Select(n => (n.Name, n.OpType)).ShouldBe(original.Nodes.Select(n => (n.Name, n.OpType)));
        copy.Initializers.Count.ShouldBe(original.Initializers.Count);
        foreach ((string name, TensorData tensor) in original.Initializers)
        {
            copy.Initializers[name].ContentEquals(tensor).ShouldBeTrue(name);
        }
    }

    [Fact]
    public void Convert_UnknownTargetFormat_ExitTwoNothingWritten()
    {
        string output = _folder.Combine("out");

        CliResult result = CliRunner.Run("convert", Sample, "--to", "onnx", "-o", output);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe(["error: --to onnx: no loaded plugin writes that format; available: caffe, darknet, tensorflow, textnet"]);
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Convert_MalformedInput_ExitTwoNothingWritten()
    {
        string bad = _folder.WriteText("bad.tnet", "textnet 1\ninput data float32 1x3x8x8\nweights seed=1\nc = Conv(data) filters=4 kernel=3 group=2\noutput c\n");
        string output = _folder.Combine("out");

        CliResult result = CliRunner.Run("convert", bad, "--to", "textnet", "-o", output);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith($"error: {bad}:4:");
        result.Error.ShouldContain("attribute 'group'=2 does not divide input channels 3");
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Convert_OutputFolderIsAFile_ExitTwoAndExistingFileKept()
    {
        string blocker = _folder.WriteText("out", "keep me");

        CliResult result = CliRunner.Run("convert", Sample, "--to", "textnet", "-o", blocker);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith($"error: {blocker}: cannot write the textnet files");
        File.ReadAllText(blocker).ShouldBe("keep me");
    }

    [Fact]
    public void Convert_ExistingOutputIsReplacedOnlyOnSuccess()
    {
        // Given an earlier result in the output folder
        string output = _folder.Combine("out");
        Directory.CreateDirectory(output);
        string previous = Path.Combine(output, "bad.tnet");
        File.WriteAllText(previous, "earlier output");
        string bad = _folder.WriteText("bad.tnet", "textnet 1\ninput data float32 1x3x8x8\nweights seed=1\nc = Conv(data) filters=4 kernel=99\noutput c\n");

        // When the conversion fails
        CliResult result = CliRunner.Run("convert", bad, "--to", "textnet", "-o", output);

        // Then the earlier file is untouched and no temporary is left
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.ShouldContain("kernel");
        File.ReadAllText(previous).ShouldBe("earlier output");
        Directory.GetFiles(output).ShouldBe([previous]);
    }

    [Fact]
    public void Convert_BadBaseName_ExitTwo()
    {
        CliResult result = CliRunner.Run("convert", Sample, "--to", "textnet", "-o", _folder.Combine("out"), "--name", "..");
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe(["error: --name ..: not a valid file name"]);
    }
}
