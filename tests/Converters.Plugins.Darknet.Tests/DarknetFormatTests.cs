using System.Text;
using Converters.Abstractions;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Plugins.Darknet.Tests;

public sealed class DarknetFormatTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ModelFile File(string name, string text) => new(name, Encoding.UTF8.GetBytes(text), text.Length);

    [Fact]
    public void Detect_CfgStartingWithNet_IsContent()
    {
        var format = new DarknetFormat();

        format.Detect([File("a.cfg", "# comment\n\n  [ net ]\nwidth=1\n")]).ShouldBe(DetectionConfidence.Content);
        format.Detect([File("a.cfg", "[network]\n"), File("a.weights", "\0\0")]).ShouldBe(DetectionConfidence.Content);
        format.Detect([File("a.weights", "\0\0")]).ShouldBe(DetectionConfidence.None);
        format.Detect([File("a.cfg", "[conv]\n")]).ShouldBe(DetectionConfidence.Extension);
        format.Detect([File("a.cfg", "[net]\n"), File("b.cfg", "[net]\n")]).ShouldBe(DetectionConfidence.None);
        format.Detect([File("a.ini", "[net]\n")]).ShouldBe(DetectionConfidence.None);
    }

    [Fact]
    public void Convert_BadCfg_ExitTwoWithOneCompilerStyleLineAndNothingWritten()
    {
        // Given
        string cfg = _folder.WriteText("bad.cfg", TestModels.TinyCfg.Replace("filters=2\n", "filters=abc\n", StringComparison.Ordinal));
        string output = _folder.Combine("out");

        // When
        (int code, _, string error) = CliRunner.Run("convert", cfg, "--to", "darknet", "-o", output);

        // Then
        code.ShouldBe(2);
        error.Trim().ShouldBe($"error: {cfg}:21:9: [convolutional] #2.filters: 'filters' must be an integer, got \"abc\"");
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Convert_TruncatedWeights_ExitTwoWithTheByteOffset()
    {
        string cfg = _folder.WriteText("m.cfg", TestModels.TinyCfg);
        string weights = _folder.WriteFile("m.weights", TestModels.Weights(TestModels.TinyFloats)[..^8]);

        (int code, _, string error) = CliRunner.Run("convert", cfg, weights, "--to", "darknet", "-o", _folder.Combine("out"));

        code.ShouldBe(2);
        error.Trim().ShouldStartWith($"error: {weights}: byte 548: [convolutional] #2.weights: the weights file ends at byte 548 inside layer [convolutional] #2");
    }

    [Fact]
    public void Read_ForkOptionUnknown_Fails()
    {
        string cfg = _folder.WriteText("m.cfg", TestModels.TinyCfg);

        var ex = Should.Throw<ModelFormatException>(() => new DarknetFormat().Read([ModelFile.Open(cfg)], new FormatOptions([new(DarknetFormat.ForkOption, "opencv")])));

        ex.Message.ShouldBe("--darknet-fork opencv: expected pjreddie or alexeyab");
    }
}
