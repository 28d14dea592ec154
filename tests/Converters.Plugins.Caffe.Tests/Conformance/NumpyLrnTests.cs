using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>
/// LRN with k != 1: OpenCV 4.6's importer ignores Caffe's 'k' (its LRN layer reads a 'bias' parameter the
/// Caffe message does not have, so it always uses 1), so these nets are checked against Caffe's formula
/// in numpy instead: across channels y = x / (k + alpha/n * sum over n channels of x^2)^beta.
/// </summary>
public sealed class NumpyLrnTests(ITestOutputHelper output) : IDisposable
{
    private const string Script = """
        import sys
        import numpy as np
        x = np.load(sys.argv[1]).astype(np.float64)
        n, alpha, beta, k = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
        sq = np.pad(x * x, ((0, 0), ((n - 1) // 2, n // 2), (0, 0), (0, 0)))
        s = sum(sq[:, i:i + x.shape[1]] for i in range(n))
        np.save(sys.argv[6], (x / (k + alpha / n * s) ** beta).astype(np.float32))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(5, 0.5, 0.75, 2.0)]
    [InlineData(3, 1e-4, 0.75, 1.0)]
    public void Read_LrnAcrossChannels_MatchesCaffesFormula(int size, double alpha, double beta, double k)
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given
        string text = $$"""
            input: "data"
            input_shape { dim: 2 dim: 7 dim: 3 dim: 4 }
            layer { name: "l" type: "LRN" bottom: "data" top: "l" lrn_param { local_size: {{size}} alpha: {{alpha:R}} beta: {{beta:R}} k: {{k:R}} } }
            """;
        Model model = Reading.ReadText(_folder, text);
        TensorData x = OpenCvCaffe.Input(TensorShape.Of(2, 7, 3, 4), 3);
        NpyWriter.Write(_folder.Combine("x.npy"), x);

        // When
        TensorData ours = OpenCvCaffe.Run(model, new Dictionary<string, TensorData> { ["data"] = x });
        Oracle.Python.Run(Script, _folder.Combine("x.npy"), size.ToString(System.Globalization.CultureInfo.InvariantCulture), alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture), beta.ToString("R", System.Globalization.CultureInfo.InvariantCulture), k.ToString("R", System.Globalization.CultureInfo.InvariantCulture), _folder.Combine("ref.npy"));

        // Then
        OpenCvCaffe.RelativeError(ours, NpyReader.Read(_folder.Combine("ref.npy"))).ShouldBeLessThanOrEqualTo(OpenCvCaffe.Tolerance);
    }
}
