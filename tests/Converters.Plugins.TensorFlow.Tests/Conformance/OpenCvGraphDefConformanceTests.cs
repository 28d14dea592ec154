using System.Globalization;
using System.Runtime.InteropServices;
using Converters.Testing;
using Converters.Testing.Oracles;
using Google.Protobuf;
using Tensorflow;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>A GraphDef built with our schemas loads and runs in OpenCV's TensorFlow importer (Debian python3-opencv 4.6).</summary>
public sealed class OpenCvGraphDefConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const string RunScript = """
        import cv2, numpy as np, sys
        net = cv2.dnn.readNetFromTensorflow(sys.argv[1])
        x = (np.arange(9, dtype=np.float32) - 4).reshape(1, 1, 3, 3)
        net.setInput(x)
        y = net.forward()
        print(' '.join(str(d) for d in y.shape))
        print(' '.join(repr(float(v)) for v in y.flatten()))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static AttrValue Type(DataType t) => new() { Type = t };

    private static AttrValue Str(string s) => new() { S = ByteString.CopyFromUtf8(s) };

    private static AttrValue Ints(params long[] values)
    {
        var list = new AttrValue.Types.ListValue();
        list.I.Add(values);
        return new AttrValue { List = list };
    }

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }

    [Fact]
    public void GraphDef_Conv2DWithBiasAdd_RunsInOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: Placeholder [1,3,3,1] NHWC -> Conv2D with an HWIO [1,1,1,2] Const (tensor_content {2, -1})
        // -> BiasAdd with a [2] Const (float_val {0.5, 0.25})
        float[] kernel = [2f, -1f];
        var weights = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(1, 1, 1, 2), TensorContent = ByteString.CopyFrom(MemoryMarshal.AsBytes(kernel.AsSpan())) };
        var bias = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(2) };
        bias.FloatVal.Add([0.5f, 0.25f]);
        var graph = new GraphDef { Versions = new VersionDef { Producer = 21 } };
        graph.Node.Add(new NodeDef { Name = "input", Op = "Placeholder", Attr = { ["dtype"] = Type(DataType.DtFloat), ["shape"] = new AttrValue { Shape = Shape(1, 3, 3, 1) } } });
        graph.Node.Add(new NodeDef { Name = "weights", Op = "Const", Attr = { ["dtype"] = Type(DataType.DtFloat), ["value"] = new AttrValue { Tensor = weights } } });
        graph.Node.Add(new NodeDef { Name = "bias", Op = "Const", Attr = { ["dtype"] = Type(DataType.DtFloat), ["value"] = new AttrValue { Tensor = bias } } });
        graph.Node.Add(new NodeDef
        {
            Name = "conv",
            Op = "Conv2D",
            Input = { "input", "weights" },
            Attr = { ["T"] = Type(DataType.DtFloat), ["strides"] = Ints(1, 1, 1, 1), ["padding"] = Str("SAME"), ["data_format"] = Str("NHWC") },
        });
        graph.Node.Add(new NodeDef { Name = "out", Op = "BiasAdd", Input = { "conv", "bias" }, Attr = { ["T"] = Type(DataType.DtFloat), ["data_format"] = Str("NHWC") } });
        string path = _folder.WriteFile("graph.pb", graph.ToByteArray());

        // When: OpenCV runs it on x = -4..4 (NCHW 1x1x3x3)
        string[] lines = Oracle.Python.Run(RunScript, path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Then: NCHW 1x2x3x3 with channel 0 = 2x + 0.5 and channel 1 = -x + 0.25
        lines[0].ShouldBe("1 2 3 3");
        double[] y = [.. lines[1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        for (int i = 0; i < 9; i++)
        {
            double x = i - 4;
            y[i].ShouldBe((2 * x) + 0.5, 1e-6);
            y[9 + i].ShouldBe(-x + 0.25, 1e-6);
        }
    }
}
