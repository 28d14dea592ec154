using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// Against OpenCV 4.6's dnn (cv2.dnn.readNetFromDarknet in /usr/bin/python3), for every Debian cfg our
/// engine runs (<see cref="DebianCfgs.Names"/>, at the small size): the same seeded weights (written by
/// this plugin) and the same seeded input go through OpenCV and through our <see cref="InferenceSession"/>,
/// and OpenCV's outputs equal ours within a relative max error of 1e-4. OpenCV decodes [yolo]/[region]
/// heads into its own box rows, so for a head the layer feeding it is compared (OpenCV inserts a
/// 'permute_k' before head k; the layer before that is darknet layer k - 1); other outputs are compared
/// as they are (OpenCV names them type_k for cfg layer k). One python process for all cfgs.
/// </summary>
public sealed class OpenCvDebianCfgTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-4;

    /// <summary>
    /// Per cfg (cfg, weights or "-" for none, input, out dir, extra "opencv_name=our_value" pairs or "-"): reads the net,
    /// runs it, and writes each compared OpenCV layer to out/&lt;our value&gt;.bin; prints one JSON object
    /// {cfg: {"compared": {value: opencv layer}} or {"error": last line of OpenCV's message}}.
    /// </summary>
    private const string Script = """
        import json, os, re, sys
        import numpy as np, cv2
        cv2.setNumThreads(1)
        result = {}
        for i in range(1, len(sys.argv), 5):
            cfg, weights, x, out, extra = sys.argv[i:i + 5]
            try:
                net = cv2.dnn.readNetFromDarknet(cfg, weights) if weights != '-' else cv2.dnn.readNetFromDarknet(cfg)
                names = list(net.getLayerNames())
                wanted, heads = {}, {}
                for layer in net.getUnconnectedOutLayersNames():
                    at = names.index(layer)
                    if names[at - 1].startswith('permute_'):
                        # a yolo/region head k: its decoded rows, and what its permute reads, darknet layer k - 1
                        k = int(names[at - 1].split('_')[1])
                        wanted[str(k - 1)] = names[at - 2]
                        heads['head_' + str(k)] = layer
                    elif extra == '-':
                        wanted[layer.rsplit('_', 1)[1]] = layer
                if extra != '-':
                    for pair in extra.split(','):
                        name, value = pair.split('=')
                        wanted[value] = name
                shape = [int(v) for v in open(x + '.shape').read().split()]
                net.setInput(np.fromfile(x, dtype=np.float32).reshape(shape))
                wanted.update(heads)
                blobs = net.forward(list(wanted.values()))
                os.makedirs(out, exist_ok=True)
                for value, blob in zip(wanted, blobs):
                    blob.astype(np.float32).tofile(os.path.join(out, value + '.bin'))
                result[cfg] = {'compared': wanted}
            except cv2.error as e:
                lines = [l for l in str(e).strip().split('\n') if l.strip()]
                result[cfg] = {'error': lines[-1].strip()}
        print(json.dumps(result))
        """;

    /// <summary>
    /// Debian cfgs OpenCV 4.6 cannot load or run, with the error it gives (measured with this test's script,
    /// at the test's input sizes).
    /// </summary>
    private static readonly Dictionary<string, string> s_notLoaded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // OpenCV 4.6's darknet importer has no [crop] (added in a later version)
        ["strided.cfg"] = "OpenCV(4.6.0) ./modules/dnn/src/darknet/darknet_io.cpp:902: error: (-212:Parsing error) Unknown layer type: crop in function 'ReadDarknetFromCfgStream'",
        ["vgg-16.cfg"] = "OpenCV(4.6.0) ./modules/dnn/src/darknet/darknet_io.cpp:902: error: (-212:Parsing error) Unknown layer type: crop in function 'ReadDarknetFromCfgStream'",

        // nor [detection] (YOLOv1)
        ["t1.test.cfg"] = "OpenCV(4.6.0) ./modules/dnn/src/darknet/darknet_io.cpp:902: error: (-212:Parsing error) Unknown layer type: detection in function 'ReadDarknetFromCfgStream'",
        ["yolov1-tiny.cfg"] = "OpenCV(4.6.0) ./modules/dnn/src/darknet/darknet_io.cpp:902: error: (-212:Parsing error) Unknown layer type: detection in function 'ReadDarknetFromCfgStream'",

        // [region] tree=9k.tree: its region layer refuses the softmax tree
        ["yolo9000.cfg"] = "OpenCV(4.6.0) ./modules/dnn/src/layers/region_layer.cpp:101: error: (-213:The function/feature is not implemented) Yolo9000 is not implemented in function 'RegionLayerImpl'",
    }.Concat(
        // A [shortcut] between layers of different W x H x C (the strided residual blocks; darknet's
        // shortcut samples the larger one with a stride and adds over the common channels): OpenCV's
        // eltwise layer requires equal shapes, whatever the input size.
        new[] { "resnet18.cfg", "resnet34.cfg", "resnet50.cfg", "resnet101.cfg", "resnet152.cfg", "resnext50.cfg", "resnext101-32x4d.cfg", "resnext152-32x4d.cfg" }
            .Select(name => KeyValuePair.Create(name, "OpenCV(4.6.0) ./modules/dnn/src/layers/eltwise_layer.cpp:251: error: (-215:Assertion failed) inputs[vecIdx][j] == inputs[i][j] in function 'getMemoryShapes'")))
        .ToDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Debian cfgs OpenCV loads but computes differently, because it ignores a key: the layer compared
    /// instead, and the layer checked to differ (so the entry is measured: if OpenCV ever agrees, the test
    /// says so). Values: "opencv_name=our_value" pairs.
    /// </summary>
    private static readonly Dictionary<string, (string Compared, string Differs)> s_ignoredKeys = new(StringComparer.Ordinal)
    {
        // [softmax] tree=9k.tree: OpenCV's softmax ignores 'tree' and normalises all 9418 values together
        ["darknet9000.cfg"] = ("avgpool_24=24", "softmax_25=25"),

        // [reorg] extra=1: OpenCV ignores 'extra' (its reorg keeps 1 x 19 x 19 = 361 values, darknet appends a zero: 362)
        ["go.cfg"] = ("conv_13=13", "reorg_14=14"),
        ["go.test.cfg"] = ("conv_13=13", "reorg_14=14"),

        // [softmax] temperature=3: OpenCV's softmax ignores 'temperature'
        ["cifar.test.cfg"] = ("avgpool_15=15", "softmax_16=16"),
    };

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Run_EveryDebianCfgWithTheSameWeights_OpenCvAgreesWhereItLoads()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy") || !Directory.Exists(DarknetOracle.CfgFolder))
        {
            return;
        }

        // Given: every cfg at its small size, seeded weights written by this plugin, a seeded input
        var prepare = System.Diagnostics.Stopwatch.StartNew();
        var arguments = new List<string>();
        var models = new Dictionary<string, (Model Model, string Input, string Out)>(StringComparer.Ordinal);
        foreach (string name in DebianCfgs.Eligible())
        {
            string folder = Path.Combine("cfgs", Path.GetFileNameWithoutExtension(name));
            string cfg = DebianCfgs.SmallCopy(_folder, name, DebianCfgs.SizeFor(name), Path.Combine(folder, name));
            // (a cfg OpenCV fails to parse gets no weights: its importer reads the cfg first, and vgg-16's would be 550 MB)
            bool parseError = s_notLoaded.GetValueOrDefault(name)?.Contains("darknet_io.cpp", StringComparison.Ordinal) == true;
            Model model = parseError ? new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty) : SeededWeights(cfg, _folder.Combine(Path.Combine(folder, "w")));
            string weights = parseError ? "-" : _folder.Combine(Path.Combine(folder, "w", Path.ChangeExtension(name, ".weights")));
            string input = WriteInput(model, _folder.Combine(Path.Combine(folder, "x.bin")));
            string outDir = _folder.Combine(Path.Combine(folder, "opencv"));
            models[cfg] = (model, input, outDir);
            arguments.AddRange([cfg, weights, input, outDir, s_ignoredKeys.TryGetValue(name, out var ignored) ? $"{ignored.Compared},{ignored.Differs}" : "-"]);
        }

        // When: OpenCV runs them all
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string json = Oracle.Python.Run(Script, arguments, TimeSpan.FromMinutes(5));
        output.WriteLine($"{models.Count} cfgs prepared in {prepare.Elapsed.TotalSeconds - clock.Elapsed.TotalSeconds:F1} s, OpenCV ran them in {clock.Elapsed.TotalSeconds:F1} s");
        var results = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

        // Then: the cfgs OpenCV cannot load are exactly the listed ones, with the listed errors; every
        // compared layer of the others equals ours
        clock.Restart();
        var report = new StringBuilder();
        var failures = new List<string>();
        int compared = 0;
        foreach ((string cfg, (Model model, string input, string outDir)) in models)
        {
            string name = Path.GetFileName(cfg);
            JsonElement result = results[cfg];
            if (result.TryGetProperty("error", out JsonElement error))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{name}: OpenCV cannot load it: {error.GetString()}");
                if (s_notLoaded.GetValueOrDefault(name) != error.GetString())
                {
                    failures.Add($"{name}: OpenCV failed with \"{error.GetString()}\", not the listed \"{s_notLoaded.GetValueOrDefault(name)}\"");
                }

                continue;
            }

            if (s_notLoaded.ContainsKey(name))
            {
                failures.Add($"{name}: listed as not loaded by OpenCV, but it loads");
            }

            Dictionary<string, string> layers = result.GetProperty("compared").Deserialize<Dictionary<string, string>>()!;
            IReadOnlyDictionary<string, TensorData> ours = Run(model, input, layers.Keys.Select(v => v.Replace("head_", string.Empty, StringComparison.Ordinal)));
            foreach ((string value, string opencvLayer) in layers)
            {
                float[] expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(outDir, value + ".bin"))).ToArray();
                if (value.StartsWith("head_", StringComparison.Ordinal))
                {
                    string head = value["head_".Length..];
                    (double boxes, double classes, int scores) = CompareHead(model, head, ours[head], expected);
                    report.AppendLine(CultureInfo.InvariantCulture, $"{name}: head {head} vs OpenCV {opencvLayer} rows: boxes and objectness relative max error {boxes:E2}, {scores} class scores above OpenCV's threshold relative max error {classes:E2}");
                    if (!(boxes <= Tolerance && classes <= Tolerance))
                    {
                        failures.Add($"{name}: head {head} vs OpenCV {opencvLayer}: boxes {boxes:E2}, class scores {classes:E2}");
                    }

                    compared++;
                    continue;
                }

                ReadOnlySpan<float> actual = ours[value].AsSpan<float>();
                double relative = actual.Length == expected.Length ? RelativeMaxError(actual, expected) : double.PositiveInfinity;
                report.AppendLine(CultureInfo.InvariantCulture, $"{name}: layer {value} ({ours[value].Shape}) vs OpenCV {opencvLayer} ({expected.Length} values): relative max error {relative:E2}");
                if (s_ignoredKeys.TryGetValue(name, out var known) && known.Differs.EndsWith("=" + value, StringComparison.Ordinal))
                {
                    if (relative <= Tolerance)
                    {
                        failures.Add($"{name}: OpenCV's {opencvLayer} now agrees with ours; compare it instead of the layer before");
                    }

                    continue;
                }

                if (!(relative <= Tolerance))
                {
                    failures.Add($"{name}: layer {value} vs OpenCV {opencvLayer}: relative max error {relative:E2} ({actual.Length} vs {expected.Length} values)");
                }

                compared++;
            }
        }

        output.WriteLine(report.ToString());
        output.WriteLine($"our engine and the comparisons: {clock.Elapsed.TotalSeconds:F1} s");
        compared.ShouldBeGreaterThan(0);
        failures.ShouldBeEmpty();
    }

    /// <summary>
    /// Reads the cfg without weights and fills every array from a seeded generator, scaled to keep
    /// activations near 1 (weights ±sqrt(3 / fan-in), batch-norm scales 0.8-1.2, means ±0.1, variances
    /// 0.5-1.5, biases ±0.1), then writes the .weights with this plugin; returns the model holding them.
    /// </summary>
    private static Model SeededWeights(string cfg, string outDir)
    {
        Model model = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);
        var random = new Random(7);
        foreach ((string name, TensorData tensor) in model.Graph.Initializers)
        {
            Span<float> values = tensor.AsSpan<float>();
            (double low, double high) = name[(name.LastIndexOf('.') + 1)..] switch
            {
                "weights" => (-Math.Sqrt(3.0 * tensor.Shape[0] / Math.Max(1, tensor.Shape.ElementCount)), Math.Sqrt(3.0 * tensor.Shape[0] / Math.Max(1, tensor.Shape.ElementCount))),
                "scales" => (0.8, 1.2),
                "rolling_variance" => (0.5, 1.5),
                _ => (-0.1, 0.1),
            };
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(low + ((high - low) * random.NextDouble()));
            }
        }

        // Random weights leave [region] class scores (objectness x softmax over 20-80 classes) below
        // OpenCV's threshold; raising the objectness and class-0 biases of the convolution feeding each
        // region makes OpenCV keep scores to compare.
        foreach (Node region in model.Graph.Nodes.Where(n => n.OpType == "Region"))
        {
            if (model.Graph.Nodes.SingleOrDefault(n => n.Outputs[0] == region.Inputs[0]) is { OpType: "Conv", Inputs.Count: 3 } conv)
            {
                Span<float> biases = model.Graph.Initializers[conv.Inputs[2]].AsSpan<float>();
                int coords = (int)region.Attributes["coords"].AsInt();
                int per = (int)region.Attributes["classes"].AsInt() + coords + 1;
                for (int a = 0; a < region.Attributes["num"].AsInt(); a++)
                {
                    biases[(a * per) + coords] += 3f;
                    biases[(a * per) + coords + 1] += 8f;
                }
            }
        }

        // (the written .weights holds exactly these values: the round trip is byte-exact, DebianCfgConformanceTests)
        new DarknetFormat().Write(model, outDir, Path.GetFileNameWithoutExtension(cfg), FormatOptions.Empty);
        return model;
    }

    private static string WriteInput(Model model, string path)
    {
        ValueInfo input = model.Graph.Inputs[0];
        var random = new Random(1);
        float[] x = new float[input.Shape.ElementCount];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextSingle();
        }

        File.WriteAllBytes(path, MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        File.WriteAllText(path + ".shape", string.Join(' ', input.Shape.Dimensions));
        return path;
    }

    private static IReadOnlyDictionary<string, TensorData> Run(Model model, string inputPath, IEnumerable<string> values)
    {
        ValueInfo input = model.Graph.Inputs[0];
        float[] x = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(inputPath)).ToArray();
        var session = new InferenceSession(model);
        return session.Run(new Dictionary<string, TensorData> { [input.Name] = TensorData.Create(input.Shape, x) }, [.. values]);
    }

    /// <summary>
    /// OpenCV's region layer (modules/dnn/src/layers/region_layer.cpp) turns a head into one row per cell
    /// and anchor, row (y * W + x) * A + a: x = (x + σ(tx)) / W, y = (y + σ(ty)) / H, w = exp(tw) * anchor_w / h_norm,
    /// h = exp(th) * anchor_h / w_norm (norm: the grid for [region], the network input for [yolo]),
    /// objectness σ(to), then objectness × class probability per class, zeroed at or below its threshold and
    /// by its NMS. From our head output (σ and softmax already applied as darknet leaves them) the same rows
    /// follow; boxes and objectness are compared everywhere, class scores where OpenCV kept them.
    /// </summary>
    private static (double Boxes, double Classes, int Scores) CompareHead(Model model, string value, TensorData head, float[] opencv)
    {
        Node node = model.Graph.Nodes.Single(n => n.Outputs[0] == value);
        TensorShape shape = head.Shape;
        TensorShape input = model.Graph.Inputs[0].Shape;
        int height = shape[2], width = shape[3], plane = height * width;
        int classes = (int)node.Attributes["classes"].AsInt();
        double[] anchors;
        double hNorm, wNorm;
        if (node.OpType == "Yolo")
        {
            var all = node.Attributes["anchors"].AsFloats();
            anchors = [.. node.Attributes["mask"].AsInts().SelectMany(m => new[] { all[(int)m * 2], all[((int)m * 2) + 1] })];
            (hNorm, wNorm) = (input[2], input[3]);
        }
        else
        {
            anchors = [.. node.Attributes["anchors"].AsFloats()];
            (hNorm, wNorm) = (height, width);
        }

        int count = anchors.Length / 2, columns = classes + 5;
        opencv.Length.ShouldBe(plane * count * columns, $"OpenCV's rows of head {value}");
        ReadOnlySpan<float> y = head.AsSpan<float>();
        var boxesOurs = new List<float>();
        var boxesOpenCv = new List<float>();
        var scoresOurs = new List<float>();
        var scoresOpenCv = new List<float>();
        for (int a = 0; a < count; a++)
        {
            int block = a * columns * plane;
            for (int row = 0; row < height; row++)
            {
                for (int col = 0; col < width; col++)
                {
                    int p = (row * width) + col;
                    int at = (((p * count) + a) * columns);
                    float objectness = y[block + (4 * plane) + p];
                    boxesOurs.AddRange([
                        (float)((col + y[block + p]) / width),
                        (float)((row + y[block + plane + p]) / height),
                        (float)(Math.Exp(y[block + (2 * plane) + p]) * anchors[2 * a] / hNorm),
                        (float)(Math.Exp(y[block + (3 * plane) + p]) * anchors[(2 * a) + 1] / wNorm),
                        objectness]);
                    boxesOpenCv.AddRange(opencv.AsSpan(at, 5));
                    for (int c = 0; c < classes; c++)
                    {
                        if (opencv[at + 5 + c] != 0)
                        {
                            scoresOurs.Add(objectness * y[block + ((5 + c) * plane) + p]);
                            scoresOpenCv.Add(opencv[at + 5 + c]);
                        }
                    }
                }
            }
        }

        double scores = scoresOurs.Count == 0 ? 0 : RelativeMaxError(scoresOurs.ToArray(), scoresOpenCv.ToArray());
        return (RelativeMaxError(boxesOurs.ToArray(), boxesOpenCv.ToArray()), scores, scoresOurs.Count);
    }

    private static double RelativeMaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double diff = 0, max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            diff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(diff, d);
            max = Math.Max(max, Math.Abs((double)expected[i]));
        }

        return diff / Math.Max(max, 1e-6);
    }
}
