using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary><c>converters run</c> on a frozen GraphDef (the bundled plugin), against OpenCV 4.6.</summary>
public sealed class CliRunConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Run_FrozenGraphPb_MatchesOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: conv-BN-relu6-flatten-matmul on a 1x6x6x3 NHWC input, and a seeded NCHW input file
        var g = new GraphDefBuilder(seed: 11);
        string x = g.Placeholder("input", -1, 6, 6, 3);
        string c = g.Op("relu", "Relu6", [g.BatchNorm("bn", g.Conv("conv", x, 3, 3, 3, 4, 2, "SAME"), 4)]);
        string flat = g.Op("flat", "Reshape", [c, g.Int32s("shape", -1, 36)]);
        g.Op("fc", "MatMul", [flat, g.Random("w", -0.5f, 0.5f, 36, 7)]);
        string path = OpenCvTensorFlow.Save(_folder, g.Graph, "frozen.pb");
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 6, 6), seed: 2);
        string inputPath = _folder.Combine("x.npy");
        NpyWriter.Write(inputPath, input);
        string dir = _folder.Combine("out");

        // When
        CliResult result = CliRunner.Run("run", path, "--input", $"input={inputPath}", "--output-dir", dir);

        // Then
        result.ExitCode.ShouldBe(0, result.Error);
        TensorData ours = NpyReader.Read(Path.Combine(dir, "0.npy"));
        TensorData theirs = OpenCvTensorFlow.Forward(_folder, path, input);
        ours.Shape.ShouldBe(TensorShape.Of(1, 7));
        OpenCvTensorFlow.RelativeError(ours, theirs).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }
}
