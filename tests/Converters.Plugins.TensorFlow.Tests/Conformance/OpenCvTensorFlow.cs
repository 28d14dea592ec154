using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>Runs a GraphDef through OpenCV's TensorFlow importer (cv2.dnn.readNetFromTensorflow) and through our reader + engine.</summary>
internal static class OpenCvTensorFlow
{
    public const double Tolerance = 1e-4;

    private const string Script = """
        import sys
        import numpy as np, cv2
        net = cv2.dnn.readNetFromTensorflow(sys.argv[1])
        net.setInput(np.load(sys.argv[2]))
        out = net.forward()
        np.save(sys.argv[3], out.astype(np.float32))
        """;

    /// <summary>Seeded input uniform in [-2, 2).</summary>
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

    public static string Save(TempDirectory folder, GraphDef graph, string name = "graph.pb") => folder.WriteFile(name, graph.ToByteArray());

    public static Model Read(string path) => new TensorFlowFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);

    /// <summary>OpenCV's output (NCHW for 4-D results) for the NCHW input <paramref name="x"/>.</summary>
    public static TensorData Forward(TempDirectory folder, string graphPath, TensorData x)
    {
        string input = folder.Combine("opencv_in.npy");
        NpyWriter.Write(input, x);
        string output = folder.Combine("opencv_out.npy");
        Oracle.Python.Run(Script, graphPath, input, output);
        return NpyReader.Read(output);
    }

    /// <summary>Our engine's only graph output.</summary>
    public static TensorData Run(Model model, TensorData x)
    {
        var session = new InferenceSession(model);
        string name = model.Graph.Outputs.Single();
        return session.Run(new Dictionary<string, TensorData> { [model.Graph.Inputs.Single().Name] = x }, [name])[name];
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
