using System.Globalization;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>Ops OpenCV 4.6 cannot run from a GraphDef (Maximum; Conv2D dilations), and SpaceToDepth (a permutation, checked exactly), against numpy written from TF's definitions.</summary>
public sealed class NumpyOpConformanceTests(ITestOutputHelper output) : IDisposable
{
    // TF Conv2D NHWC/HWIO, VALID padding, with dilation d: y[n,i,j,o] = sum x[n, i + d*a, j + d*b, c] * w[a, b, c, o].
    private const string DilatedConvScript = """
        import sys
        import numpy as np
        x = np.load(sys.argv[1]).transpose(0, 2, 3, 1).astype(np.float64)
        w = np.load(sys.argv[2]).astype(np.float64)
        d = int(sys.argv[3])
        kh, kw, ci, co = w.shape
        oh = x.shape[1] - d * (kh - 1)
        ow = x.shape[2] - d * (kw - 1)
        y = np.zeros((x.shape[0], oh, ow, co))
        for a in range(kh):
            for b in range(kw):
                y += np.einsum('nhwc,co->nhwo', x[:, a * d:a * d + oh, b * d:b * d + ow, :], w[a, b])
        np.save(sys.argv[4], y.transpose(0, 3, 1, 2).astype(np.float32))
        """;

    // TF Maximum(x, c) with a per-channel constant broadcast over the NHWC last axis.
    private const string MaximumScript = """
        import sys
        import numpy as np
        x = np.load(sys.argv[1]).transpose(0, 2, 3, 1)
        c = np.load(sys.argv[2])
        np.save(sys.argv[3], np.maximum(x, c).transpose(0, 3, 1, 2).astype(np.float32))
        """;

    // TF SpaceToDepth (NHWC): y[n, i, j, (bi * b + bj) * C + c] = x[n, i * b + bi, j * b + bj, c].
    private const string SpaceToDepthScript = """
        import sys
        import numpy as np
        x = np.load(sys.argv[1]).transpose(0, 2, 3, 1)
        b = int(sys.argv[2])
        n, h, w, c = x.shape
        y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)
        np.save(sys.argv[3], y.transpose(0, 3, 1, 2).astype(np.float32))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static float[] Seeded(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_DilatedConv_MatchesNumpy(int dilation)
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given: a 3x3 HWIO kernel (3 -> 5 channels), VALID, dilations [1, d, d, 1], on a 1x9x9x3 input
        var g = new GraphDefBuilder();
        string x = g.Placeholder("input", 1, 9, 9, 3);
        float[] kernel = Seeded(3 * 3 * 3 * 5, dilation);
        string w = g.Floats("kernel", kernel, 3, 3, 3, 5);
        g.Op("conv", "Conv2D", [x, w], ("strides", GraphDefBuilder.Ints(1, 1, 1, 1)), ("padding", GraphDefBuilder.Str("VALID")), ("dilations", GraphDefBuilder.Ints(1, dilation, dilation, 1)));
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 9, 9), seed: 5);
        NpyWriter.Write(_folder.Combine("x.npy"), input);
        NpyWriter.Write(_folder.Combine("w.npy"), TensorData.Create(TensorShape.Of(3, 3, 3, 5), kernel));

        // When
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(path), input);
        Oracle.Python.Run(DilatedConvScript, _folder.Combine("x.npy"), _folder.Combine("w.npy"), dilation.ToString(CultureInfo.InvariantCulture), _folder.Combine("ref.npy"));
        TensorData expected = NpyReader.Read(_folder.Combine("ref.npy"));

        // Then
        int size = 9 - (2 * dilation);
        ours.Shape.ShouldBe(TensorShape.Of(1, 5, size, size));
        expected.Shape.ShouldBe(ours.Shape);
        OpenCvTensorFlow.RelativeError(ours, expected).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }

    [Fact]
    public void Read_MaximumWithChannelConstant_MatchesNumpy()
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given: Maximum(input, c) with c one value per channel
        var g = new GraphDefBuilder();
        string x = g.Placeholder("input", 1, 4, 5, 3);
        float[] c = [-0.5f, 0.25f, 1f];
        g.Op("max", "Maximum", [x, g.Floats("c", c, 3)]);
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 4, 5), seed: 9);
        NpyWriter.Write(_folder.Combine("x.npy"), input);
        NpyWriter.Write(_folder.Combine("c.npy"), TensorData.Create(TensorShape.Of(3), c));

        // When
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(path), input);
        Oracle.Python.Run(MaximumScript, _folder.Combine("x.npy"), _folder.Combine("c.npy"), _folder.Combine("ref.npy"));

        // Then
        TensorData expected = NpyReader.Read(_folder.Combine("ref.npy"));
        expected.Shape.ShouldBe(ours.Shape);
        OpenCvTensorFlow.RelativeError(ours, expected).ShouldBe(0);
    }

    [Fact]
    public void Read_SpaceToDepth_MatchesNumpy()
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given: SpaceToDepth block 2 on a 1x4x6x3 NHWC input
        var g = new GraphDefBuilder();
        g.Op("s2d", "SpaceToDepth", [g.Placeholder("input", 1, 4, 6, 3)], ("block_size", new Tensorflow.AttrValue { I = 2 }), ("data_format", GraphDefBuilder.Str("NHWC")));
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 4, 6), seed: 12);
        NpyWriter.Write(_folder.Combine("x.npy"), input);

        // When
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(path), input);
        Oracle.Python.Run(SpaceToDepthScript, _folder.Combine("x.npy"), "2", _folder.Combine("ref.npy"));

        // Then: a pure permutation, bit-exact
        TensorData expected = NpyReader.Read(_folder.Combine("ref.npy"));
        ours.Shape.ShouldBe(TensorShape.Of(1, 12, 2, 3));
        expected.Shape.ShouldBe(ours.Shape);
        ours.ContentEquals(expected).ShouldBeTrue();
    }
}
