using System.Globalization;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;

namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>Runs a Caffe net through OpenCV's importer (cv2.dnn.readNetFromCaffe) and through our reader + engine.</summary>
internal static class OpenCvCaffe
{
    public const double Tolerance = 1e-4;

    private const string Script = """
        import sys
        import numpy as np, cv2
        net = cv2.dnn.readNetFromCaffe(sys.argv[1], sys.argv[2])
        n = int(sys.argv[4])
        for i in range(n):
            net.setInput(np.load(sys.argv[5 + 2 * i + 1]), sys.argv[5 + 2 * i])
        out = net.forward(sys.argv[3]) if sys.argv[3] else net.forward()
        np.save(sys.argv[5 + 2 * n], out.astype(np.float32))
        """;

    /// <summary>Seeded standard-normal-ish input (uniform in [-2, 2)).</summary>
    public static TensorData Input(TensorShape shape, int seed)
    {
        var random = new Random(seed);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return TensorData.Create(shape, values);
    }

    /// <summary>OpenCV's output of layer <paramref name="layer"/> for the given inputs.</summary>
    public static TensorData Forward(TempDirectory folder, string prototxt, string caffemodel, string layer, IReadOnlyDictionary<string, TensorData> inputs)
    {
        var args = new List<string> { prototxt, caffemodel, layer, inputs.Count.ToString(CultureInfo.InvariantCulture) };
        int k = 0;
        foreach ((string name, TensorData tensor) in inputs)
        {
            string path = folder.Combine($"opencv_in{k++}.npy");
            NpyWriter.Write(path, tensor);
            args.Add(name);
            args.Add(path);
        }

        string output = folder.Combine("opencv_out.npy");
        args.Add(output);
        Oracle.Python.Run(Script, args);
        return NpyReader.Read(output);
    }

    /// <summary>Our engine's output <paramref name="value"/> (default: the only graph output).</summary>
    public static TensorData Run(Model model, IReadOnlyDictionary<string, TensorData> inputs, string? value = null)
    {
        var session = new InferenceSession(model);
        string name = value ?? model.Graph.Outputs.Single();
        return session.Run(inputs, [name])[name];
    }

    /// <summary>max |a - b| / max |b| (b the reference).</summary>
    public static double RelativeError(TensorData actual, TensorData expected)
    {
        actual.Shape.ElementCount.ShouldBe(expected.Shape.ElementCount, $"shapes {actual.Shape} vs {expected.Shape}");
        ReadOnlySpan<float> a = actual.AsSpan<float>();
        ReadOnlySpan<float> b = expected.AsSpan<float>();
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < a.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)a[i] - b[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)b[i]));
        }

        return maxDiff / Math.Max(maxRef, 1e-30);
    }
}
