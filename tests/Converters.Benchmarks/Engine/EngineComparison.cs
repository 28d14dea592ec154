using System.Globalization;
using System.Text.Json;
using Converters.Benchmarks.Comparison;
using Converters.Engine;
using Converters.Engine.Kernels;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Engine;

/// <summary>
/// <c>compare engine</c>: our float engine against PyTorch and OpenCV dnn on the same machine, both
/// restricted to 2 threads, on the same network, weights and input: the SGEMM alone (GFLOP/s vs
/// <c>torch.matmul</c>) and whole forward passes of yolov3-tiny@416 and yolov3@608 layer stacks
/// (see <see cref="DarknetLikeNet"/>; OpenCV reads the PyTorch model exported to ONNX). The outputs
/// are checked against PyTorch's before timing is reported.
/// </summary>
public static class EngineComparison
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    private const string Script = """
        import json, sys, time, io, statistics
        import numpy as np
        import torch
        import torch.nn.functional as F
        import cv2
        mode, folder, warmup, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        torch.set_num_threads(2)
        cv2.setNumThreads(2)

        def timeit(action):
            samples = []
            for i in range(warmup + repeats):
                start = time.perf_counter()
                action()
                if i >= warmup:
                    samples.append((time.perf_counter() - start) * 1000.0)
            return samples

        if mode == 'gemm':
            result = {}
            for shape in sys.argv[5].split(','):
                m, n, k = (int(v) for v in shape.split('x'))
                a = torch.randn(m, k); b = torch.randn(k, n)
                result[shape] = timeit(lambda: torch.matmul(a, b))
            print(json.dumps(result)); sys.exit(0)

        spec = json.load(open(folder + '/spec.json'))
        layers = spec['layers']
        def P(name): return torch.from_numpy(np.load(f'{folder}/{name}.npy'))

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.p = {}
                for i, l in enumerate(layers):
                    if l['type'] == 'conv':
                        self.p[f'L{i}_w'] = P(f'L{i}_w')
                        for s in (['scale', 'bias', 'mean', 'var'] if l['batchNorm'] else ['b']):
                            self.p[f'L{i}_{s}'] = P(f'L{i}_{s}')
            def forward(self, x):
                outs, res = [], []
                for i, l in enumerate(layers):
                    t = l['type']
                    if t == 'conv':
                        x = F.conv2d(x, self.p[f'L{i}_w'], None if l['batchNorm'] else self.p[f'L{i}_b'], l['stride'], l['size'] // 2)
                        if l['batchNorm']:
                            x = F.batch_norm(x, self.p[f'L{i}_mean'], self.p[f'L{i}_var'], self.p[f'L{i}_scale'], self.p[f'L{i}_bias'], False, 0.0, 1e-5)
                        if l['leaky']:
                            x = F.leaky_relu(x, 0.1)
                    elif t == 'maxpool':
                        pad = l['size'] - 1
                        if pad > 0:
                            x = F.pad(x, (pad // 2, pad - pad // 2, pad // 2, pad - pad // 2), mode='replicate')
                        x = F.max_pool2d(x, l['size'], l['stride'])
                    elif t == 'upsample':
                        x = F.interpolate(x, scale_factor=l['stride'], mode='nearest')
                    elif t == 'route':
                        x = outs[l['layers'][0]] if len(l['layers']) == 1 else torch.cat([outs[j] for j in l['layers']], 1)
                    elif t == 'shortcut':
                        x = x + outs[l['layers'][0]]
                    outs.append(x)
                    if l['output']:
                        res.append(x)
                return tuple(res)

        net = Net().eval()
        x = torch.from_numpy(np.load(folder + '/input.npy'))
        with torch.no_grad():
            ref = net(x)
            for i, r in enumerate(ref):
                np.save(f'{folder}/torch_{i}.npy', r.numpy())
            torch_ms = timeit(lambda: net(x))
        buf = io.BytesIO()
        torch.onnx.export(net, x, buf, opset_version=11)
        cvnet = cv2.dnn.readNetFromONNX(np.frombuffer(buf.getvalue(), np.uint8))
        cvnet.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        cvnet.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        names = cvnet.getUnconnectedOutLayersNames()
        xn = x.numpy()
        def cvrun():
            cvnet.setInput(xn)
            return cvnet.forward(names)
        cvout = cvrun()
        cv_err = 0.0
        for r in ref:
            r = r.numpy()
            match = [o for o in cvout if o.shape == r.shape]
            cv_err = max(cv_err, min(float(np.abs(o - r).max() / max(np.abs(r).max(), 1e-6)) for o in match))
        cv_ms = timeit(cvrun)
        print(json.dumps({'torch': torch_ms, 'opencv': cv_ms, 'opencv_vs_torch': cv_err,
                          'versions': f'torch {torch.__version__}, opencv {cv2.__version__}'}))
        """;

    /// <summary>Runs the comparison and prints a table; returns 0, or 1 when an oracle is missing.</summary>
    public static int Run(string[] nets, int warmup, int repeats, string? jsonPath, TextWriter log)
    {
        OracleProbe probe = Oracle.Python.Probe("numpy", "torch", "cv2");
        if (!probe.IsAvailable)
        {
            throw new OracleFailedException($"Oracle {probe.Name} is missing: {probe.Problem}");
        }

        MachineInfo machine = MachineInfo.Current();
        log.WriteLine($"engine comparison on {machine.CpuModel} ({machine.LogicalCores} logical cores), {machine.Runtime}; SIMD tier {SimdTiers.Current}, GEMM tile {Sgemm.MR}x{Sgemm.NR}");
        var rows = new List<object>();
        using var folder = new TempDirectory();

        // 1. SGEMM alone.
        string[] shapes = ["1024x1024x1024", "256x5776x2304", "64x43264x288"];
        string gemmJson = Oracle.Python.Run(Script, ["gemm", folder.Path, warmup.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture), string.Join(',', shapes)], TimeSpan.FromMinutes(10));
        Dictionary<string, double[]> torchGemm = JsonSerializer.Deserialize<Dictionary<string, double[]>>(gemmJson)!;
        log.WriteLine();
        log.WriteLine("SGEMM (M x N x K), median ms and GFLOP/s; ours includes packing B, A (the weights) is packed once beforehand");
        log.WriteLine("shape            | ours 1 thr | ours 2 thr | torch 2 thr | ours GF/s 1t | ours GF/s 2t | torch GF/s 2t | ours/torch (2t)");
        foreach (string shape in shapes)
        {
            int[] d = [.. shape.Split('x').Select(int.Parse)];
            (int m, int n, int k) = (d[0], d[1], d[2]);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            var rng = new Random(1);
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (float)rng.NextDouble();
            }

            for (int i = 0; i < b.Length; i++)
            {
                b[i] = (float)rng.NextDouble();
            }

            float[] packed = new float[Sgemm.PackedASize(m, k)];
            Sgemm.PackA(a, k, false, m, k, packed);
            double one = Timing.Median(Timing.Measure(warmup, repeats, () => Gemm(packed, b, c, m, n, k, 1)));
            double two = Timing.Median(Timing.Measure(warmup, repeats, () => Gemm(packed, b, c, m, n, k, 2)));
            double torch = Timing.Median(torchGemm[shape]);
            double flop = 2.0 * m * n * k;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape,-16} | {one,10:0.0} | {two,10:0.0} | {torch,11:0.0} | {flop / one / 1e6,12:0.0} | {flop / two / 1e6,12:0.0} | {flop / torch / 1e6,13:0.0} | {two / torch,6:0.00}"));
            rows.Add(new { kind = "sgemm", shape, ours1Ms = one, ours2Ms = two, torch2Ms = torch, ours1Gflops = flop / one / 1e6, ours2Gflops = flop / two / 1e6, torch2Gflops = flop / torch / 1e6 });
        }

        // 2. Whole networks.
        log.WriteLine();
        log.WriteLine("network              | ours (ms) | torch (ms) | opencv (ms) | ours/torch | ours/opencv | rel. err vs torch (ours, opencv)");
        foreach (string net in nets)
        {
            (IReadOnlyList<NetLayer> layers, int size) = net switch
            {
                "yolov3-tiny" => (DarknetLikeNet.Tiny(), 416),
                "yolov3" => (DarknetLikeNet.Yolov3(), 608),
                _ => throw new ArgumentException($"unknown network '{net}' (yolov3-tiny, yolov3)"),
            };
            string dir = Path.Combine(folder.Path, net);
            Directory.CreateDirectory(dir);
            Model model = DarknetLikeNet.Build(layers, size, dir);
            var input = TensorData.Create(TensorShape.Of(1, 3, size, size), [.. Enumerable.Range(0, 3 * size * size).Select(i => (float)((i * 7919 % 1000) / 1000.0))]);
            NpyWriter.Write(Path.Combine(dir, "input.npy"), input);
            var session = new InferenceSession(model, new InferenceSessionOptions { MaxThreads = 2 });
            var inputs = new Dictionary<string, TensorData> { ["data"] = input };
            IReadOnlyDictionary<string, TensorData> ours = session.Run(inputs);
            double oursBefore = Timing.Median(Timing.Measure(warmup, repeats, () => session.Run(inputs)));
            string json = Oracle.Python.Run(Script, ["net", dir, warmup.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(15));

            // Ours is timed before and after the oracle process and the lower median kept, so a
            // burst of load from other jobs on this shared machine does not land on our side only.
            double oursAfter = Timing.Median(Timing.Measure(warmup, repeats, () => session.Run(inputs)));
            double oursMs = Math.Min(oursBefore, oursAfter);
            using JsonDocument doc = JsonDocument.Parse(json);
            double torchMs = Timing.Median([.. doc.RootElement.GetProperty("torch").EnumerateArray().Select(e => e.GetDouble())]);
            double cvMs = Timing.Median([.. doc.RootElement.GetProperty("opencv").EnumerateArray().Select(e => e.GetDouble())]);
            double cvErr = doc.RootElement.GetProperty("opencv_vs_torch").GetDouble();
            double err = 0;
            for (int i = 0; i < model.Graph.Outputs.Count; i++)
            {
                float[] expected = NpyReader.Read(Path.Combine(dir, $"torch_{i}.npy")).AsSpan<float>().ToArray();
                err = Math.Max(err, RelativeMaxError(ours[model.Graph.Outputs[i]].AsSpan<float>(), expected));
            }

            string label = $"{net}@{size}";
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-20} | {oursMs,9:0.0} | {torchMs,10:0.0} | {cvMs,11:0.0} | {oursMs / torchMs,10:0.00} | {oursMs / cvMs,11:0.00} | {err:E1}, {cvErr:E1}"));
            rows.Add(new { kind = "network", net = label, oursMs, oursBefore, oursAfter, torchMs, opencvMs = cvMs, relErrOursVsTorch = err, relErrOpencvVsTorch = cvErr, versions = doc.RootElement.GetProperty("versions").GetString() });
        }

        log.WriteLine();
        log.WriteLine($"- median of {repeats} timed runs after {warmup} warm-up; both sides single process, 2 threads (torch.set_num_threads(2), cv2.setNumThreads(2), InferenceSessionOptions.MaxThreads = 2).");
        log.WriteLine("- networks: ours is timed before and after the oracle process; the lower of the two medians is shown (both are in the JSON).");
        log.WriteLine("- relative error = max|a - b| / max(max|b|, 1e-6) against PyTorch's output on the same weights and input.");
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { machine, warmup, repeats, rows }, s_json));
            log.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }

        return 0;
    }

    private static unsafe void Gemm(float[] packed, float[] b, float[] c, int m, int n, int k, int threads)
    {
        fixed (float* pb = b)
        {
            Sgemm.Multiply(packed, m, n, k, new DenseSource(pb, n, false), c, n, false, threads);
        }
    }

    private static double RelativeMaxError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double diff = 0, scale = 1e-6;
        for (int i = 0; i < b.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }

        return diff / scale;
    }
}
