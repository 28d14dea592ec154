using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Plugins.Caffe;
using Converters.Plugins.Darknet;
using Converters.Plugins.TensorFlow.Writing;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// The main criterion: Darknet yolov3-tiny and a Caffe ResNet-style net, converted with
/// <c>converters convert ... --to tensorflow</c>, load in OpenCV 4.6's TensorFlow importer and give the outputs of the
/// originals: OpenCV on the original Darknet / Caffe files, and our engine on the original model.
/// </summary>
public sealed class CrossFormatConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const string CfgFolder = "/usr/share/darknet/cfg";

    private const int YoloSize = 128;

    /// <summary>argv: kind (tf, caffe, darknet), model, weights (or "-"), input .npy, output folder, comma-separated output names.</summary>
    private const string Script = """
        import os, sys
        import numpy as np, cv2
        kind, model, weights, x, folder, names = sys.argv[1:7]
        if kind == 'tf':
            net = cv2.dnn.readNetFromTensorflow(model)
        elif kind == 'caffe':
            net = cv2.dnn.readNetFromCaffe(model, weights)
        else:
            net = cv2.dnn.readNetFromDarknet(model, weights)
        net.setInput(np.load(x))
        names = names.split(',')
        outs = net.forward(names)
        for name, out in zip(names, outs):
            np.save(os.path.join(folder, name.replace('/', '_') + '.npy'), np.ascontiguousarray(out, dtype=np.float32))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, TensorData> OpenCv(string kind, string model, string? weights, TensorData x, params string[] names)
    {
        string input = _folder.Combine($"{kind}_x.npy");
        NpyWriter.Write(input, x);
        string folder = _folder.Combine($"{kind}_out");
        Directory.CreateDirectory(folder);
        Oracle.Python.Run(Script, [kind, model, weights ?? "-", input, folder, string.Join(',', names)], TimeSpan.FromMinutes(2));
        return names.ToDictionary(n => n, n => NpyReader.Read(Path.Combine(folder, n.Replace('/', '_') + ".npy")));
    }

    private static IReadOnlyDictionary<string, TensorData> Run(Model model, TensorData x, IReadOnlyList<string> outputs)
    {
        var session = new InferenceSession(model);
        return session.Run(new Dictionary<string, TensorData> { [model.Graph.Inputs.Single().Name] = x }, outputs);
    }

    private double Check(string what, TensorData actual, TensorData expected)
    {
        double error = OpenCvTensorFlow.RelativeError(actual, expected);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: relative max error {error:E2}"));
        return error;
    }

    /// <summary>A copy of a Debian cfg at <see cref="YoloSize"/> with batch 1.</summary>
    private string YoloCfg(string name)
    {
        var text = new StringBuilder();
        foreach (string line in File.ReadLines(Path.Combine(CfgFolder, name)))
        {
            string key = line.Split('=')[0].Trim();
            text.Append(key switch
            {
                "width" or "height" => $"{key}={YoloSize}",
                "batch" or "subdivisions" => $"{key}=1",
                _ => line,
            }).Append('\n');
        }

        return _folder.WriteText("in/" + name, text.ToString());
    }

    /// <summary>
    /// pjreddie .weights for the cfg's convolutions in order: biases, then (with BN) scales in [0.5, 1.5), means in
    /// [-0.5, 0.5), variances in [0.5, 1.5), then weights ±sqrt(3 / fan-in), so activations stay in range through 13 layers.
    /// </summary>
    private static byte[] YoloWeights(Model shapes, int seed)
    {
        var random = new Random(seed);
        var bytes = new List<byte>();
        void Int(int v)
        {
            byte[] b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            bytes.AddRange(b);
        }

        void Floats(int count, float low, float high)
        {
            byte[] b = new byte[4];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(b, low + ((high - low) * (float)random.NextDouble()));
                bytes.AddRange(b);
            }
        }

        Int(0);
        Int(2);
        Int(0);
        Int(0);
        Int(0);
        Graph graph = shapes.Graph;
        foreach (Node conv in graph.Nodes.Where(n => n.OpType == "Conv"))
        {
            TensorShape w = graph.Initializers[conv.Inputs[1]].Shape;
            bool bn = graph.FindConsumers(conv.Outputs[0]).Any(n => n.OpType == "BatchNormalization");
            int filters = w[0];
            int fanIn = w[1] * w[2] * w[3];
            Floats(filters, -0.5f, 0.5f);
            if (bn)
            {
                Floats(filters, 0.5f, 1.5f);
                Floats(filters, -0.5f, 0.5f);
                Floats(filters, 0.5f, 1.5f);
            }

            float limit = MathF.Sqrt(3f / fanIn);
            Floats(filters * fanIn, -limit, limit);
        }

        return [.. bytes];
    }

    /// <summary>
    /// Darknet's [yolo] / [region] activation on a conv output (numpy). argv: conv.npy, out.npy, kind, anchors, coords.
    /// Per anchor: logistic on x, y and objectness; on the classes for yolo, a softmax over them for region (softmax=1).
    /// </summary>
    private const string HeadActivation = """
        import sys
        import numpy as np
        y = np.load(sys.argv[1]).astype(np.float64)
        kind, num, coords = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        n, c, h, w = y.shape
        a = y.reshape(n, num, c // num, h, w)
        logistic = lambda v: 1.0 / (1.0 + np.exp(-v))
        a[:, :, 0:2] = logistic(a[:, :, 0:2])
        if kind == 'yolo':
            a[:, :, 4:] = logistic(a[:, :, 4:])
        else:
            a[:, :, coords] = logistic(a[:, :, coords])
            e = np.exp(a[:, :, coords + 1:] - a[:, :, coords + 1:].max(axis=2, keepdims=True))
            a[:, :, coords + 1:] = e / e.sum(axis=2, keepdims=True)
        np.save(sys.argv[2], a.reshape(n, c, h, w).astype(np.float32))
        """;

    [Theory]
    [InlineData("yolov3-tiny.cfg", new[] { 15, 22 })]
    [InlineData("yolov2-tiny.cfg", new[] { 14 })]
    public void Convert_DarknetCfgToTensorFlow_OpenCvMatchesOriginals(string cfgName, int[] convLayers)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy") || !Oracle.SkipOrFail(output, new OracleProbe("darknet cfgs", File.Exists(Path.Combine(CfgFolder, cfgName)), $"{CfgFolder}/{cfgName} does not exist")))
        {
            return;
        }

        // Given: the Debian cfg at 128x128 with seeded weights, a seeded input in [0, 1)
        string cfg = YoloCfg(cfgName);
        Model shapes = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);
        string weights = _folder.WriteFile("in/" + Path.ChangeExtension(cfgName, ".weights"), YoloWeights(shapes, 17));
        Model original = new DarknetFormat().Read([ModelFile.Open(cfg), ModelFile.Open(weights)], FormatOptions.Empty);
        TensorData x = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, YoloSize, YoloSize), 3);
        var span = x.AsSpan<float>();
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (span[i] + 2) / 4;
        }

        // When: converted by the CLI
        CliResult result = CliRunner.Run("convert", cfg, weights, "--to", "tensorflow", "-o", _folder.Combine("out"));

        // Then: the detection heads from OpenCV on the .pb equal our engine on the Darknet model and OpenCV's darknet
        // importer (the conv output before each head, with Darknet's activation applied in numpy)
        result.ExitCode.ShouldBe(0, result.Error + result.Output);
        string pb = _folder.Combine("out/" + Path.ChangeExtension(cfgName, ".pb"));
        File.Exists(pb).ShouldBeTrue();
        List<Node> heads = [.. original.Graph.Nodes.Where(n => n.OpType is "Yolo" or "Region")];
        heads.Count.ShouldBe(convLayers.Length);
        string[] tfNames = [.. heads.Select(h => TensorFlowExporter.Sanitize(h.Outputs[0]))];
        Dictionary<string, TensorData> tf = OpenCv("tf", pb, null, x, tfNames);
        IReadOnlyDictionary<string, TensorData> ours = Run(original, x, [.. heads.Select(h => h.Outputs[0])]);
        Dictionary<string, TensorData> darknet = OpenCv("darknet", cfg, weights, x, [.. convLayers.Select(l => $"conv_{l}")]);
        for (int i = 0; i < heads.Count; i++)
        {
            Node head = heads[i];
            bool yolo = head.OpType == "Yolo";
            string anchors = (yolo ? head.Attributes["mask"].AsInts().Length : head.Attributes["num"].AsInt()).ToString(CultureInfo.InvariantCulture);
            string coords = yolo ? "4" : head.Attributes["coords"].AsInt().ToString(CultureInfo.InvariantCulture);
            string conv = _folder.Combine($"conv_{convLayers[i]}.npy");
            NpyWriter.Write(conv, darknet[$"conv_{convLayers[i]}"]);
            string activated = _folder.Combine($"head_{i}.npy");
            Oracle.Python.Run(HeadActivation, conv, activated, yolo ? "yolo" : "region", anchors, coords);
            TensorData reference = NpyReader.Read(activated);
            tf[tfNames[i]].Shape.ShouldBe(reference.Shape);
            Check($"{cfgName} head {i}: OpenCV TF vs OpenCV Darknet", tf[tfNames[i]], reference).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
            Check($"{cfgName} head {i}: OpenCV TF vs our engine on the Darknet model", tf[tfNames[i]], ours[head.Outputs[0]]).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
        }
    }

    [Fact]
    public void Convert_CaffeResNetToTensorFlow_OpenCvMatchesOriginals()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: the ResNet-style Caffe net with seeded blobs
        string prototxt = _folder.WriteText("in/resnet.prototxt", CaffeResNet.Prototxt);
        string caffemodel = _folder.WriteFile("in/resnet.caffemodel", CaffeResNet.Caffemodel(23));
        Model original = new CaffeFormat().Read([ModelFile.Open(prototxt), ModelFile.Open(caffemodel)], FormatOptions.Empty);
        TensorData x = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 32, 32), 8);

        // When
        CliResult result = CliRunner.Run("convert", prototxt, caffemodel, "--to", "tensorflow", "-o", _folder.Combine("out"));

        // Then: fc10 and prob from OpenCV on the .pb equal OpenCV's Caffe importer and our engine on the Caffe model
        result.ExitCode.ShouldBe(0, result.Error + result.Output);
        string pb = _folder.Combine("out/resnet.pb");
        // (OpenCV fuses the BiasAdd named "fc10" into its MatMul and names the layer after the MatMul)
        Dictionary<string, TensorData> tf = OpenCv("tf", pb, null, x, "fc10/MatMul", "prob");
        tf["fc10"] = tf["fc10/MatMul"];
        Dictionary<string, TensorData> caffe = OpenCv("caffe", prototxt, caffemodel, x, "fc10", "prob");
        IReadOnlyDictionary<string, TensorData> ours = Run(original, x, ["fc10", "prob"]);
        foreach (string name in new[] { "fc10", "prob" })
        {
            tf[name].Shape.ElementCount.ShouldBe(10);
            Check($"{name}: OpenCV TF vs OpenCV Caffe", tf[name], caffe[name]).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
            Check($"{name}: OpenCV TF vs our engine on the Caffe model", tf[name], ours[name]).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
        }

        // And: the written graph read back by our reader gives the same outputs
        Model read = OpenCvTensorFlow.Read(pb);
        TensorData back = Run(read, x, ["prob"])["prob"];
        Check("prob: our reader on the .pb vs our engine on the Caffe model", back, ours["prob"]).ShouldBeLessThanOrEqualTo(1e-5);
    }
}
