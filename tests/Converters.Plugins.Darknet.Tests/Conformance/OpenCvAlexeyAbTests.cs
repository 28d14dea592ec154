using System.Globalization;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// OpenCV 4.6 reads AlexeyAB cfgs (not [batchnorm]): it must compute exactly the same outputs from our
/// written cfg + weights as from the originals.
/// </summary>
public sealed class OpenCvAlexeyAbTests(ITestOutputHelper output) : IDisposable
{
    private const string Script = """
        import sys
        import numpy as np, cv2
        outputs = []
        for cfg, weights in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
            net = cv2.dnn.readNetFromDarknet(cfg, weights)
            net.setInput(np.random.RandomState(324).standard_normal((1, 3, 16, 16)).astype(np.float32))
            outputs.append(net.forward(net.getUnconnectedOutLayersNames()))
        a, b = outputs
        same = all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))
        print(len(a), a[0].shape[0], a[0].shape[1], int(same), int(np.isfinite(a[0]).mean() > 0.5))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Convert_AlexeyAbCfg_OpenCvComputesTheSameOutputsFromTheWrittenFiles()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: the AlexeyAB test model without [batchnorm], which OpenCV 4.6 does not know (its 4 x 8 floats removed)
        string cfgText = TestModels.AlexeyCfg.Replace("[batchnorm]\n\n", string.Empty, StringComparison.Ordinal);
        string cfg = _folder.WriteText("in/a.cfg", cfgText);
        string weights = _folder.WriteFile("in/a.weights", TestModels.Weights(TestModels.AlexeyFloats - 32, 0, 2, 5));

        // When
        (int code, string stdout, string stderr) = CliRunner.Run("convert", cfg, weights, "--to", "darknet", "-o", _folder.Combine("out"), "--darknet-fork", "alexeyab");

        // Then: one YOLO output of 8 x 8 x 3 boxes x (5 + 2), bit-identical between original and written files
        // (NaN where OpenCV's box decoding overflows on random weights, in the same places; most values finite)
        code.ShouldBe(0, stderr + stdout);
        File.ReadAllBytes(_folder.Combine("out/a.weights")).ShouldBe(File.ReadAllBytes(weights));
        string[] result = Oracle.Python.Run(Script, cfg, weights, _folder.Combine("out/a.cfg"), _folder.Combine("out/a.weights")).Trim().Split(' ');
        result.ShouldBe(["1", (8 * 8 * 3).ToString(CultureInfo.InvariantCulture), "7", "1", "1"]);
    }
}
