using System.Globalization;
using System.Text.RegularExpressions;
using Converters.Engine.Data;
using Converters.Engine.Training.Losses;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training.Losses;

/// <summary>
/// The YOLOv3 loss against Debian's libdarknet (pjreddie 2018) through ctypes: a cfg with [net],
/// a 1×1 stride-2 [maxpool] (so the grid is half the network size, as in a real head) and a [yolo]
/// head; the network input and <c>net->truth</c> (90 boxes × (x, y, w, h, class) per image) are
/// filled with seeded values, <c>forward_network</c> runs with <c>net->train = 1</c> and
/// <c>backward_network</c> copies the head's delta back through the pool into a buffer we own.
/// Our gradient must be −delta within relative max error 1e-5, the cost (<c>*net->cost</c>) within
/// 1e-5 relative, and the statistics Darknet prints within 2e-5.
/// </summary>
public partial class YoloLossDarknetConformanceTests(ITestOutputHelper output)
{
    private const string Libdarknet = "/usr/lib/darknet/libdarknet.so";
    private const int Classes = 3;
    private const int NetWidth = 16;
    private const int NetHeight = 12;
    private const int GridWidth = 8;
    private const int GridHeight = 6;
    private static readonly int[] s_mask = [3, 4, 5];
    private static readonly float[] s_anchors = [1f, 1.5f, 2f, 2f, 3f, 1f, 2.5f, 4f, 4f, 3f, 5f, 6f, 8f, 7f, 10f, 9f, 14f, 11f];

    private const string Script = """
        import sys, ctypes, numpy as np
        from ctypes import c_int, c_float, c_size_t, c_void_p, POINTER
        lib, d = sys.argv[1], sys.argv[2]
        F = POINTER(c_float)
        class Net(ctypes.Structure):
            _fields_ = [('n', c_int), ('batch', c_int), ('seen', POINTER(c_size_t)), ('t', POINTER(c_int)), ('epoch', c_float),
                ('subdivisions', c_int), ('layers', c_void_p), ('output', F), ('policy', c_int),
                ('learning_rate', c_float), ('momentum', c_float), ('decay', c_float), ('gamma', c_float), ('scale', c_float), ('power', c_float),
                ('time_steps', c_int), ('step', c_int), ('max_batches', c_int), ('scales', F), ('steps', POINTER(c_int)), ('num_steps', c_int), ('burn_in', c_int),
                ('adam', c_int), ('B1', c_float), ('B2', c_float), ('eps', c_float),
                ('inputs', c_int), ('outputs', c_int), ('truths', c_int), ('notruth', c_int), ('h', c_int), ('w', c_int), ('c', c_int),
                ('max_crop', c_int), ('min_crop', c_int), ('max_ratio', c_float), ('min_ratio', c_float), ('center', c_int),
                ('angle', c_float), ('aspect', c_float), ('exposure', c_float), ('saturation', c_float), ('hue', c_float), ('random', c_int),
                ('gpu_index', c_int), ('hierarchy', c_void_p), ('input', F), ('truth', F), ('delta', F), ('workspace', F),
                ('train', c_int), ('index', c_int), ('cost', F), ('clip', c_float)]
        dn = ctypes.CDLL(lib)
        dn.parse_network_cfg.restype = POINTER(Net)
        dn.parse_network_cfg.argtypes = [ctypes.c_char_p]
        dn.forward_network.argtypes = [POINTER(Net)]
        dn.backward_network.argtypes = [POINTER(Net)]
        net = dn.parse_network_cfg(f'{d}/yolo.cfg'.encode())
        n = net.contents
        x = np.ascontiguousarray(np.load(f'{d}/input.npy').astype(np.float32).ravel())
        truth = np.ascontiguousarray(np.load(f'{d}/truth.npy').astype(np.float32).ravel())
        assert x.size == n.inputs * n.batch and truth.size == n.truths * n.batch, (x.size, n.inputs, truth.size, n.truths)
        ctypes.memmove(n.input, x.ctypes.data, x.nbytes)
        ctypes.memmove(n.truth, truth.ctypes.data, truth.nbytes)
        delta = np.zeros_like(x)
        n.delta = delta.ctypes.data_as(F)
        n.train = 1
        dn.forward_network(net)
        dn.backward_network(net)
        ctypes.CDLL(None).fflush(None)
        np.save(f'{d}/darknet_delta.npy', delta)
        np.save(f'{d}/darknet_cost.npy', np.array([n.cost[0]], dtype=np.float32))
        """;

    public static TheoryData<string, float, float> Cases => new()
    {
        { "defaults", 0.5f, 1f },
        { "low-ignore", 0.05f, 1f },
        { "truth-thresh", 0.05f, 0.3f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_SeededHeadAndTruths_MatchesLibdarknet(string name, float ignoreThreshold, float truthThreshold)
    {
        if (!Oracle.SkipOrFail(output, DarknetProbe()))
        {
            return;
        }

        // Given a seeded raw input of the network's size, the grid the pool samples from it, and truths
        // (image 0: one per mask anchor, one whose best anchor (a tiny box → anchor 0) is not in the mask,
        // two on the same anchor of the same cell; image 1: one box, or none in the last case)
        using var dir = new TempDirectory();
        const int batch = 2;
        int channels = s_mask.Length * (5 + Classes);
        float[] raw = Tolerance.Random(batch * channels * NetHeight * NetWidth, name.Length + 40, 1.5f);
        List<BoundingBox>[] truths =
        [
            [new(0, 0.30f, 0.40f, 0.20f, 0.30f), new(2, 0.71f, 0.52f, 0.30f, 0.45f), new(1, 0.55f, 0.22f, 0.06f, 0.12f), new(1, 0.14f, 0.83f, 0.35f, 0.60f), new(2, 0.13f, 0.80f, 0.28f, 0.50f)],
            name == "truth-thresh" ? [] : [new(1, 0.62f, 0.35f, 0.45f, 0.40f)],
        ];
        dir.WriteText("yolo.cfg", $"""
            [net]
            batch={batch}
            subdivisions=1
            width={NetWidth}
            height={NetHeight}
            channels={channels}

            [maxpool]
            size=1
            stride=2

            [yolo]
            mask={string.Join(',', s_mask)}
            anchors={string.Join(", ", s_anchors.Select(a => a.ToString(CultureInfo.InvariantCulture)))}
            classes={Classes}
            num={s_anchors.Length / 2}
            jitter=.3
            ignore_thresh={ignoreThreshold.ToString(CultureInfo.InvariantCulture)}
            truth_thresh={truthThreshold.ToString(CultureInfo.InvariantCulture)}
            random=0
            """);
        float[] truthBuffer = new float[batch * 90 * 5];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < truths[b].Count; t++)
            {
                BoundingBox box = truths[b][t];
                int o = (b * 450) + (t * 5);
                (truthBuffer[o], truthBuffer[o + 1], truthBuffer[o + 2], truthBuffer[o + 3], truthBuffer[o + 4]) = (box.X, box.Y, box.Width, box.Height, box.ClassId);
            }
        }

        NpyWriter.Write(dir.Combine("input.npy"), TensorData.Create(TensorShape.Of(raw.Length), (float[])raw.Clone()));
        NpyWriter.Write(dir.Combine("truth.npy"), TensorData.Create(TensorShape.Of(truthBuffer.Length), truthBuffer));
        float[] headOutput = HeadOutput(raw, batch, channels);

        // When both compute the loss
        var loss = new YoloLoss(s_anchors, s_mask, Classes, ignoreThreshold, truthThreshold);
        float[] gradient = new float[headOutput.Length];
        YoloLossStatistics ours = loss.Compute(headOutput, batch, GridHeight, GridWidth, NetWidth, NetHeight, truths, gradient);
        string printed = Oracle.Python.Run(Script, Libdarknet, dir.Path);

        // Then -delta, the cost and the printed statistics agree
        float[] darknetDelta = NpyReader.Read(dir.Combine("darknet_delta.npy")).AsSpan<float>().ToArray();
        float[] expected = new float[gradient.Length];
        for (int k = 0; k < darknetDelta.Length; k++)
        {
            int w = k % NetWidth, h = k / NetWidth % NetHeight, rest = k / (NetWidth * NetHeight);
            if (w % 2 == 0 && h % 2 == 0)
            {
                expected[(rest * GridHeight * GridWidth) + (h / 2 * GridWidth) + (w / 2)] = -darknetDelta[k];
            }
            else
            {
                darknetDelta[k].ShouldBe(0f);
            }
        }

        double e = Tolerance.RelativeMaxError(gradient, expected);
        float darknetCost = NpyReader.Read(dir.Combine("darknet_cost.npy")).AsSpan<float>()[0];
        output.WriteLine($"{name}: gradient relative max error {e:E2}; cost ours {ours.Cost:G9} darknet {darknetCost:G9}; {ours}");
        output.WriteLine(printed.Trim());
        e.ShouldBeLessThanOrEqualTo(1e-5);
        ((double)Math.Abs(ours.Cost - darknetCost)).ShouldBeLessThanOrEqualTo(1e-5 * darknetCost);
        Match stats = RegionLine().Match(printed);
        stats.Success.ShouldBeTrue(printed);
        CheckStat(stats, "iou", ours.AverageIou);
        CheckStat(stats, "cls", ours.AverageClass);
        CheckStat(stats, "obj", ours.AverageObjectness);
        CheckStat(stats, "noobj", ours.AverageNoObjectness);
        CheckStat(stats, "r50", ours.Recall50);
        CheckStat(stats, "r75", ours.Recall75);
        int.Parse(stats.Groups["count"].Value, CultureInfo.InvariantCulture).ShouldBe(ours.Count);

        // and the cases exercise what they are named for
        ours.Count.ShouldBeLessThan(truths[0].Count + truths[1].Count, "the tiny box's best anchor is not in this head's mask");
        if (ignoreThreshold < 0.5f)
        {
            int ignored = CountIgnoredObjectness(gradient, headOutput, batch, channels);
            output.WriteLine($"{ignored} predictions over ignore_thresh");
            ignored.ShouldBeGreaterThan(0);
        }

        if (truthThreshold < 1f)
        {
            int trained = CountBoxTargets(gradient, batch, channels);
            output.WriteLine($"{trained} predictions with box targets for {ours.Count} assigned truths");
            trained.ShouldBeGreaterThan(ours.Count, "predictions over truth_thresh are trained as their best truth");
        }
    }

    private static int CountBoxTargets(float[] gradient, int batch, int channels)
    {
        int area = GridHeight * GridWidth, trained = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < s_mask.Length; n++)
            {
                for (int k = 0; k < area; k++)
                {
                    if (gradient[(((b * channels) + (n * (5 + Classes))) * area) + k] != 0f)
                    {
                        trained++;
                    }
                }
            }
        }

        return trained;
    }

    private static float[] HeadOutput(float[] raw, int batch, int channels)
    {
        var head = new float[batch * channels * GridHeight * GridWidth];
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int entry = c % (5 + Classes);
                for (int j = 0; j < GridHeight; j++)
                {
                    for (int i = 0; i < GridWidth; i++)
                    {
                        float x = raw[(((b * channels) + c) * NetHeight * NetWidth) + (2 * j * NetWidth) + (2 * i)];
                        head[(((b * channels) + c) * GridHeight * GridWidth) + (j * GridWidth) + i] = entry is 2 or 3 ? x : (float)(1.0 / (1.0 + Math.Exp(-x)));
                    }
                }
            }
        }

        return head;
    }

    private static int CountIgnoredObjectness(float[] gradient, float[] head, int batch, int channels)
    {
        int area = GridHeight * GridWidth, ignored = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < s_mask.Length; n++)
            {
                for (int k = 0; k < area; k++)
                {
                    int index = (((b * channels) + (n * (5 + Classes)) + 4) * area) + k;
                    if (gradient[index] == 0f && head[index] != 0f)
                    {
                        ignored++;
                    }
                }
            }
        }

        return ignored;
    }

    private static void CheckStat(Match match, string group, float ours)
    {
        string text = match.Groups[group].Value;
        if (text.Contains("nan", StringComparison.OrdinalIgnoreCase))
        {
            float.IsNaN(ours).ShouldBeTrue(group);
            return;
        }

        ours.ShouldBe(float.Parse(text, CultureInfo.InvariantCulture), 2e-5f, group);
    }

    private static OracleProbe DarknetProbe()
    {
        OracleProbe python = Oracle.Python.Probe("numpy");
        return !python.IsAvailable
            ? python
            : File.Exists(Libdarknet)
                ? new OracleProbe(Libdarknet, true, null)
                : new OracleProbe(Libdarknet, false, $"{Libdarknet} does not exist (install Debian's darknet)");
    }

    [GeneratedRegex(@"Avg IOU: (?<iou>\S+), Class: (?<cls>\S+), Obj: (?<obj>\S+), No Obj: (?<noobj>\S+), \.5R: (?<r50>\S+), \.75R: (?<r75>\S+),\s+count: (?<count>\d+)")]
    private static partial Regex RegionLine();
}
