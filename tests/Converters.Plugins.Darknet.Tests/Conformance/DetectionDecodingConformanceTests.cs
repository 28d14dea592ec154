using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Engine.Metrics;
using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// <see cref="DetectionDecoder"/> and <see cref="NonMaxSuppression"/> against Debian's libdarknet: for a
/// cfg at <see cref="Size"/> x <see cref="Size"/> with darknet's own random weights (srand(1); batch-norm
/// rolling mean 0 / variance 1, as in <see cref="DarknetOutputConformanceTests"/>) and a seeded random
/// input, darknet runs <c>network_predict</c>, <c>get_network_boxes(net, size, size, thresh, 0.5, NULL,
/// relative=1)</c> and <c>do_nms_sort(dets, n, classes, 0.45)</c>; we run <see cref="InferenceSession"/>,
/// decode every Yolo/Region output and apply NMS 0.45. Both the (box, class) pairs before NMS and the
/// survivors after it must be the same sets: same count, and each darknet detection paired one-to-one
/// with ours of its class whose score and box agree within 1e-4 relative (|a − b| ≤ 1e-4 · max(1, |b|)).
/// </summary>
/// <remarks>
/// Random weights give near-uniform scores, so darknet's script picks the threshold itself: with every
/// pair's probability at threshold 0 sorted, the midpoint of the widest gap between ranks
/// <see cref="MinPairs"/> and <see cref="MaxPairs"/>, so that a few hundred pairs pass, NMS has
/// overlapping boxes to suppress, and no probability lies near the threshold.
/// </remarks>
public sealed class DetectionDecodingConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const int Size = 128;

    private const int MinPairs = 150;

    private const int MaxPairs = 400;

    private const float NmsThreshold = 0.45f;

    private const double Tolerance = 1e-4;

    /// <summary>
    /// argv: cfg, weights path, input (float32 file), classes, size, min pairs, max pairs. Prints JSON:
    /// threshold, gap (around it), candidates (pairs at threshold 0), and before / after: the pairs
    /// [class, prob, x, y, w, h] with probability &gt; 0 from get_network_boxes, and those surviving do_nms_sort.
    /// </summary>
    private const string Script = """
        import ctypes, json, re, sys
        import numpy as np
        """ + DarknetOracle.StructLayouts + """
        # darknet.h: typedef struct{ float x, y, w, h; } box;
        # typedef struct detection{ box bbox; int classes; float *prob; float *mask; float objectness; int sort_class; } detection;
        class Box(ctypes.Structure):
            _fields_ = [('x', ctypes.c_float), ('y', ctypes.c_float), ('w', ctypes.c_float), ('h', ctypes.c_float)]
        class Detection(ctypes.Structure):
            _fields_ = [('bbox', Box), ('classes', ctypes.c_int), ('prob', ctypes.POINTER(ctypes.c_float)),
                        ('mask', ctypes.POINTER(ctypes.c_float)), ('objectness', ctypes.c_float), ('sort_class', ctypes.c_int)]
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        libc = ctypes.CDLL('libc.so.6')
        lib.parse_network_cfg.restype = ctypes.c_void_p
        lib.parse_network_cfg.argtypes = [ctypes.c_char_p]
        lib.save_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.set_batch_network.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
        lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
        lib.get_network_boxes.restype = ctypes.POINTER(Detection)
        lib.get_network_boxes.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_float, ctypes.c_float,
                                          ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        lib.do_nms_sort.argtypes = [ctypes.POINTER(Detection), ctypes.c_int, ctypes.c_int, ctypes.c_float]
        lib.free_detections.argtypes = [ctypes.POINTER(Detection), ctypes.c_int]
        lib.free_network.argtypes = [ctypes.c_void_p]
        def field(base, name, kind):
            return kind.from_address(base + L[name]).value
        def floats(pointer, count):
            return np.ctypeslib.as_array((ctypes.c_float * count).from_address(pointer))
        cfg, weights = sys.argv[1], sys.argv[2]
        x = np.ascontiguousarray(np.fromfile(sys.argv[3], dtype=np.float32))
        classes, size, low, high = (int(a) for a in sys.argv[4:8])
        libc.srand(1)
        net = lib.parse_network_cfg(cfg.encode())
        count = ctypes.c_int.from_address(net + N['n']).value
        layers = ctypes.c_void_p.from_address(net + N['layers']).value
        for i in range(count):
            base = layers + i * LSIZE
            if field(base, 'batch_normalize', ctypes.c_int) and field(base, 'rolling_mean', ctypes.c_void_p):
                c = field(base, 'out_c', ctypes.c_int)
                floats(field(base, 'rolling_mean', ctypes.c_void_p), c)[:] = 0
                floats(field(base, 'rolling_variance', ctypes.c_void_p), c)[:] = 1
        lib.save_weights(net, weights.encode())
        lib.set_batch_network(net, 1)
        lib.network_predict(net, x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        def boxes(thresh, nms):
            n = ctypes.c_int(0)
            dets = lib.get_network_boxes(net, size, size, thresh, 0.5, None, 1, ctypes.byref(n))
            if nms:
                lib.do_nms_sort(dets, n.value, classes, nms)
            pairs = []
            for i in range(n.value):
                d = dets[i]
                for j in range(classes):
                    p = d.prob[j]
                    if p > 0:
                        pairs.append([j, p, d.bbox.x, d.bbox.y, d.bbox.w, d.bbox.h])
            lib.free_detections(dets, n.value)
            return pairs
        probs = sorted((p[1] for p in boxes(0.0, 0)), reverse=True)
        k = max(range(low, min(high, len(probs) - 1) + 1), key=lambda k: probs[k - 1] - probs[k])
        thresh = float(np.float32((probs[k - 1] + probs[k]) / 2))
        before = boxes(thresh, 0)
        after = boxes(thresh, 0.45)
        lib.free_network(net)
        print(json.dumps({'threshold': thresh, 'gap': probs[k - 1] - probs[k], 'candidates': len(probs), 'before': before, 'after': after}))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("yolov3-tiny.cfg")]
    [InlineData("yolov2-tiny-voc.cfg")]
    [InlineData("yolov2-tiny.cfg")]
    public void DecodeAndNms_DebianCfgWithDarknetWeights_SameDetectionsAsDarknet(string name)
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given: the cfg at 128 x 128 with batch 1, a seeded random input in [0, 1)
        string cfg = DarknetOutputConformanceTests.BatchOfOne(DebianCfgs.SmallCopy(_folder, name, Size));
        Model shapes = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);
        ValueInfo input = shapes.Graph.Inputs[0];
        List<Node> heads = [.. shapes.Graph.Nodes.Where(n => n.OpType is "Yolo" or "Region")];
        heads.ShouldNotBeEmpty();
        int classes = (int)heads[0].Attributes["classes"].AsInt();
        var random = new Random(1);
        float[] x = new float[input.Shape.ElementCount];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextSingle();
        }

        string inputPath = _folder.WriteFile("x.bin", MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        string weights = _folder.Combine(Path.ChangeExtension(name, ".weights"));

        // When: darknet saves its random weights, predicts, gets its boxes and applies do_nms_sort
        string json = Oracle.Python.Run(Script, [cfg, weights, inputPath, Invariant(classes), Invariant(Size), Invariant(MinPairs), Invariant(MaxPairs)], TimeSpan.FromMinutes(2));
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        float threshold = root.GetProperty("threshold").GetSingle();
        List<Detection> darknetBefore = Detections(root.GetProperty("before"));
        List<Detection> darknet = Detections(root.GetProperty("after"));

        // And: our engine runs the same weights; every head is decoded into one list, then NMS
        Model model = new DarknetFormat().Read([ModelFile.Open(cfg), ModelFile.Open(weights)], FormatOptions.Empty);
        heads = [.. model.Graph.Nodes.Where(n => n.OpType is "Yolo" or "Region")];
        var session = new InferenceSession(model);
        IReadOnlyDictionary<string, TensorData> outputs = session.Run(
            new Dictionary<string, TensorData> { [input.Name] = TensorData.Create(input.Shape, x) }, heads.Select(h => h.Outputs[0]));
        var ours = new List<Detection>();
        foreach (Node head in heads)
        {
            DetectionDecoder.Decode(head, outputs[head.Outputs[0]], 0, input.Shape[3], input.Shape[2], threshold, ours);
        }

        List<Detection> oursBefore = [.. ours];
        double nearestIou = NearestIouToThreshold(ours);
        NonMaxSuppression.Apply(ours, NmsThreshold);

        // Then: the same pairs before NMS, and the same survivors after it
        string report = string.Create(CultureInfo.InvariantCulture,
            $"{name} at {Size}: {heads.Count} heads, {root.GetProperty("candidates").GetInt32()} pairs at threshold 0, threshold {threshold:R} (probability gap {root.GetProperty("gap").GetDouble():E2}); before NMS darknet {darknetBefore.Count} / ours {oursBefore.Count}; after NMS darknet {darknet.Count} / ours {ours.Count}; closest same-class IoU to {NmsThreshold}: off by {nearestIou:E2}");
        output.WriteLine(report);
        oursBefore.Count.ShouldBe(darknetBefore.Count, report);
        double worstBefore = PairUp(darknetBefore, oursBefore, out string? unmatchedBefore);
        unmatchedBefore.ShouldBeNull("before NMS: " + report);
        darknet.Count.ShouldBeLessThan(darknetBefore.Count, "NMS suppressed nothing: the test would not exercise it. " + report);
        darknet.Count.ShouldBeGreaterThanOrEqualTo(10, report);
        ours.Count.ShouldBe(darknet.Count, report);
        double worst = PairUp(darknet, ours, out string? unmatched);
        unmatched.ShouldBeNull("after NMS: " + report);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst relative difference of a paired score or coordinate: {worstBefore:E2} before NMS, {worst:E2} after"));
    }

    /// <summary>
    /// Pairs every darknet detection with the closest unpaired one of ours of its class; returns the
    /// worst relative difference, with <paramref name="unmatched"/> describing the first darknet
    /// detection without a partner within <see cref="Tolerance"/> (null when all pair up).
    /// </summary>
    private static double PairUp(List<Detection> darknet, List<Detection> ours, out string? unmatched)
    {
        unmatched = null;
        var used = new bool[ours.Count];
        double worst = 0;
        foreach (Detection expected in darknet.OrderByDescending(d => d.Score))
        {
            int best = -1;
            double bestDifference = double.PositiveInfinity;
            for (int i = 0; i < ours.Count; i++)
            {
                if (!used[i] && ours[i].ClassId == expected.ClassId)
                {
                    double difference = Difference(ours[i], expected);
                    if (difference < bestDifference)
                    {
                        (best, bestDifference) = (i, difference);
                    }
                }
            }

            if (best < 0 || bestDifference > Tolerance)
            {
                unmatched ??= $"darknet's {expected} has no match within {Tolerance}" + (best < 0 ? string.Empty : $"; closest {ours[best]} differs by {bestDifference:E2}");
                continue;
            }

            used[best] = true;
            worst = Math.Max(worst, bestDifference);
        }

        return worst;
    }

    private static double Difference(Detection a, Detection b) =>
        new[] { (a.Score, b.Score), (a.X, b.X), (a.Y, b.Y), (a.Width, b.Width), (a.Height, b.Height) }
            .Max(p => Math.Abs((double)p.Item1 - p.Item2) / Math.Max(1, Math.Abs((double)p.Item2)));

    /// <summary>How close any same-class pair's IoU comes to the NMS threshold (a tie there could flip between implementations).</summary>
    private static double NearestIouToThreshold(List<Detection> detections)
    {
        double nearest = double.PositiveInfinity;
        for (int i = 0; i < detections.Count; i++)
        {
            for (int j = i + 1; j < detections.Count; j++)
            {
                if (detections[i].ClassId == detections[j].ClassId)
                {
                    nearest = Math.Min(nearest, Math.Abs(IntersectionOverUnion.Of(detections[i], detections[j]) - NmsThreshold));
                }
            }
        }

        return nearest;
    }

    private static List<Detection> Detections(JsonElement pairs) =>
        [.. pairs.EnumerateArray().Select(d => new Detection(d[0].GetInt32(), d[1].GetSingle(), d[2].GetSingle(), d[3].GetSingle(), d[4].GetSingle(), d[5].GetSingle()))];

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
