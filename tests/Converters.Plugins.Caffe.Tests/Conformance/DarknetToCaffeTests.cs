using System.Globalization;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Plugins.Caffe.Proto;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>
/// Cross-format: a Darknet cfg + weights converted to Caffe by <c>converters convert --to caffe</c>
/// (BN becomes BatchNorm + Scale, leaky becomes ReLU with a slope) runs in OpenCV's Caffe importer with
/// the outputs Debian's darknet (libdarknet.so, <c>network_predict</c>) computes on the original files.
/// </summary>
public sealed class DarknetToCaffeTests(ITestOutputHelper output) : IDisposable
{
    private const string Library = "/usr/lib/darknet/libdarknet.so";

    private const string Cfg = """
        [net]
        batch=1
        subdivisions=1
        width=16
        height=16
        channels=3

        [convolutional]
        batch_normalize=1
        filters=8
        size=3
        stride=1
        pad=1
        activation=leaky

        [maxpool]
        size=2
        stride=2

        [convolutional]
        batch_normalize=1
        filters=4
        size=1
        stride=1
        pad=1
        activation=leaky

        [convolutional]
        filters=6
        size=3
        stride=1
        pad=1
        activation=linear

        """;

    private const string DarknetScript = """
        import ctypes, sys
        import numpy as np
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        lib.load_network.restype = ctypes.c_void_p
        lib.load_network.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
        lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
        net = lib.load_network(sys.argv[1].encode(), sys.argv[2].encode(), 0)
        x = np.ascontiguousarray(np.load(sys.argv[3]).astype(np.float32).ravel())
        y = lib.network_predict(net, x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        np.save(sys.argv[5], np.ctypeslib.as_array(y, (int(sys.argv[4]),)).copy())
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>pjreddie .weights (version 0.2.0): header, then per conv: biases, [scales, mean, variance], weights.</summary>
    private static byte[] Weights(int seed)
    {
        var random = new Random(seed);
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(0);
        writer.Write(2);
        writer.Write(0);
        writer.Write(0L);
        void Floats(int count, float low, float high)
        {
            for (int i = 0; i < count; i++)
            {
                writer.Write(low + ((high - low) * (float)random.NextDouble()));
            }
        }

        foreach ((int filters, int inputs, int size, bool bn) in new[] { (8, 3, 3, true), (4, 8, 1, true), (6, 4, 3, false) })
        {
            Floats(filters, -0.5f, 0.5f);
            if (bn)
            {
                Floats(filters, 0.5f, 1.5f);
                Floats(filters, -0.5f, 0.5f);
                Floats(filters, 0.2f, 2f);
            }

            Floats(filters * inputs * size * size, -0.5f, 0.5f);
        }

        writer.Flush();
        return stream.ToArray();
    }

    [Fact]
    public void ConvertCommand_DarknetToCaffe_OpenCvMatchesDarknet()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy") || !Oracle.SkipOrFail(output, new OracleProbe("darknet", File.Exists(Library), $"{Library} does not exist")))
        {
            return;
        }

        // Given
        string cfg = _folder.WriteText("in/tiny.cfg", Cfg);
        string weights = _folder.WriteFile("in/tiny.weights", Weights(31));
        TensorData x = OpenCvCaffe.Input(TensorShape.Of(1, 3, 16, 16), 4);
        string xPath = _folder.Combine("x.npy");
        NpyWriter.Write(xPath, x);

        // When
        (int code, string stdout, string stderr) = CliRunner.Run("convert", cfg, weights, "--to", "caffe", "-o", _folder.Combine("out"));

        // Then: BatchNorm + Scale pairs in the written net, and OpenCV's output equals darknet's (6 x 8 x 8)
        code.ShouldBe(0, stderr + stdout);
        string prototxt = _folder.Combine("out/tiny.prototxt");
        var net = (NetParameter)CaffeReader.ParseNet(prototxt).Root;
        net.Layer.Count(l => l.Type == "BatchNorm").ShouldBe(2);
        net.Layer.Count(l => l.Type == "Scale").ShouldBe(2);
        Oracle.Python.Run(DarknetScript, cfg, weights, xPath, (6 * 8 * 8).ToString(CultureInfo.InvariantCulture), _folder.Combine("darknet.npy"));
        TensorData darknet = NpyReader.Read(_folder.Combine("darknet.npy"));
        TensorData opencv = OpenCvCaffe.Forward(_folder, prototxt, _folder.Combine("out/tiny.caffemodel"), string.Empty, new Dictionary<string, TensorData> { [net.Layer[0].Top[0]] = x });
        double error = OpenCvCaffe.RelativeError(opencv, darknet);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OpenCV (Caffe) vs darknet: relative max error {error:E2}"));
        opencv.Shape.ElementCount.ShouldBe(6 * 8 * 8);
        error.ShouldBeLessThanOrEqualTo(OpenCvCaffe.Tolerance);
    }
}
