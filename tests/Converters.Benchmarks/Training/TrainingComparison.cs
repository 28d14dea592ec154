using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Converters.Benchmarks.Comparison;
using Converters.Engine.Training;
using Converters.Engine.Training.Losses;
using Converters.Engine.Training.Optimizers;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Training;

/// <summary>
/// <c>compare training</c>: one training epoch of the issue's MNIST CNN (conv 1→32→32, pool,
/// 32→64→64, pool, 64→128, global pool, FC 10; 3x3 convs with BN + ReLU) — 125 SGD steps of batch 64
/// (forward, cross-entropy, backward, momentum SGD with weight decay) over 8,000 28x28 images held in
/// memory — in our training engine and in PyTorch on the same machine, both on 2 threads, from the
/// same initial weights and batches. The first steps' losses are compared before any time is reported.
/// </summary>
public static class TrainingComparison
{
    private const int Images = 8000;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private const int Batch = 64;
    private const float LearningRate = 0.05f;

    private const string Script = """
        import json, sys, time
        import numpy as np, torch, torch.nn.functional as F
        folder, epochs = sys.argv[1], int(sys.argv[2])
        torch.set_num_threads(2)
        L = lambda n: torch.from_numpy(np.load(f'{folder}/{n}.npy'))
        p = {}
        for i in range(5):
            p[f'w{i}'] = L(f'w{i}').requires_grad_(True)
            p[f'g{i}'] = L(f'g{i}').requires_grad_(True)
            p[f'b{i}'] = L(f'b{i}').requires_grad_(True)
        p['fw'] = L('fw').requires_grad_(True); p['fb'] = L('fb').requires_grad_(True)
        stats = {f'{k}{i}': L(f'{k}{i}').clone() for i in range(5) for k in ('m', 'v')}
        params = [p[k] for k in sorted(p)]
        opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=5e-4)
        x, y = L('x'), L('y').long()
        def block(h, i):
            h = F.conv2d(h, p[f'w{i}'], None, padding=1)
            return F.relu(F.batch_norm(h, stats[f'm{i}'], stats[f'v{i}'], p[f'g{i}'], p[f'b{i}'], True, 0.1, 1e-5))
        def net(h):
            h = block(block(h, 0), 1); h = F.max_pool2d(h, 2, 2)
            h = block(block(h, 2), 3); h = F.max_pool2d(h, 2, 2)
            h = block(h, 4).mean((2, 3))
            return F.linear(h, p['fw'], p['fb'])
        losses, seconds = [], []
        for e in range(epochs):
            start = time.perf_counter()
            for b in range(0, x.shape[0] - 63, 64):
                loss = F.cross_entropy(net(x[b:b + 64]), y[b:b + 64])
                opt.zero_grad(); loss.backward(); opt.step()
                if e == 0 and b < 3 * 64:
                    losses.append(loss.item())
            seconds.append(time.perf_counter() - start)
        steps = 0
        with torch.autograd.profiler.profile() as prof:
            for b in range(0, x.shape[0] - 63, 64):
                loss = F.cross_entropy(net(x[b:b + 64]), y[b:b + 64])
                opt.zero_grad(); loss.backward(); opt.step()
                steps += 1
        ops = sorted(((e.key, e.self_cpu_time_total / 1000.0 / steps) for e in prof.key_averages()), key=lambda t: -t[1])
        print(json.dumps({'seconds': seconds, 'losses': losses, 'version': torch.__version__, 'profile': [[k, v] for k, v in ops[:15]]}))
        """;

    /// <summary>Runs the comparison and prints a table; returns 0, or 1 when the oracle is missing or disagrees.</summary>
    public static int Run(int warmup, int repeats, string? jsonPath, TextWriter log)
    {
        OracleProbe probe = Oracle.Python.Probe("numpy", "torch");
        if (!probe.IsAvailable)
        {
            throw new OracleFailedException($"Oracle {probe.Name} is missing: {probe.Problem}");
        }

        MachineInfo machine = MachineInfo.Current();
        using var folder = new TempDirectory();
        Model model = BuildMnistCnn(folder.Path);
        var rng = new Random(5);
        float[] x = [.. Enumerable.Range(0, Images * 784).Select(_ => (float)rng.NextDouble())];
        long[] y = [.. Enumerable.Range(0, Images).Select(_ => (long)rng.Next(10))];
        NpyWriter.Write(Path.Combine(folder.Path, "x.npy"), TensorData.Create(TensorShape.Of(Images, 1, 28, 28), x));
        NpyWriter.Write(Path.Combine(folder.Path, "y.npy"), TensorData.Create(TensorShape.Of(Images), y));

        var session = new TrainingSession(model, new TrainingSessionOptions { Batch = Batch, MaxThreads = 2 });
        var sgd = new Sgd(momentum: 0.9f, weightDecay: 5e-4f);
        int[] labels = new int[Batch];
        float[] gradient = new float[Batch * 10];
        var seeds = new Dictionary<string, float[]> { ["logits"] = gradient };
        var losses = new List<double>();
        var ours = new List<double>();
        for (int e = 0; e < warmup + repeats; e++)
        {
            var clock = Stopwatch.StartNew();
            for (int b = 0; b + Batch <= Images; b += Batch)
            {
                x.AsSpan(b * 784, Batch * 784).CopyTo(session.Input("x"));
                for (int i = 0; i < Batch; i++)
                {
                    labels[i] = (int)y[b + i];
                }

                session.Forward();
                float loss = SoftmaxCrossEntropy.Compute(session.Value("logits"), labels, 10, 0f, gradient, []);
                session.Backward(seeds);
                sgd.Step(session.Parameters, LearningRate);
                if (e == 0 && b < 3 * Batch)
                {
                    losses.Add(loss);
                }
            }

            ours.Add(clock.Elapsed.TotalSeconds);
        }

        // One more epoch with per-node timing (not part of the medians): where our step's time goes.
        session.Profiling = true;
        int steps = 0;
        for (int b = 0; b + Batch <= Images; b += Batch, steps++)
        {
            x.AsSpan(b * 784, Batch * 784).CopyTo(session.Input("x"));
            for (int i = 0; i < Batch; i++)
            {
                labels[i] = (int)y[b + i];
            }

            session.Forward();
            SoftmaxCrossEntropy.Compute(session.Value("logits"), labels, 10, 0f, gradient, []);
            session.Backward(seeds);
            sgd.Step(session.Parameters, LearningRate);
        }

        session.Profiling = false;

        string json = Oracle.Python.Run(Script, [folder.Path, (warmup + repeats).ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(30));
        using JsonDocument doc = JsonDocument.Parse(json);
        double[] torch = [.. doc.RootElement.GetProperty("seconds").EnumerateArray().Select(v => v.GetDouble())];
        double[] torchLosses = [.. doc.RootElement.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble())];
        double lossError = losses.Zip(torchLosses, (a, b) => Math.Abs(a - b) / Math.Abs(b)).Max();
        log.WriteLine($"training comparison on {machine.CpuModel} ({machine.LogicalCores} logical cores), {machine.Runtime}; torch {doc.RootElement.GetProperty("version").GetString()}");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first 3 losses, ours vs torch: {string.Join(", ", losses.Select(l => l.ToString("0.00000", CultureInfo.InvariantCulture)))} vs {string.Join(", ", torchLosses.Select(l => l.ToString("0.00000", CultureInfo.InvariantCulture)))} (max relative difference {lossError:E1})"));
        if (lossError > 1e-4)
        {
            log.WriteLine("compare: the two trainings disagree; no time is reported.");
            return 1;
        }

        double oursMedian = Timing.Median([.. ours.Skip(warmup)]);
        double torchMedian = Timing.Median([.. torch.Skip(warmup)]);
        log.WriteLine();
        log.WriteLine("MNIST CNN, one epoch of 8,000 images at batch 64, 2 threads | ours (s) | torch (s) | ours/torch");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of {repeats} epochs after {warmup} warm-up             | {oursMedian,8:0.00} | {torchMedian,9:0.00} | {oursMedian / torchMedian,10:0.00}"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every epoch, ours: {string.Join(", ", ours.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))}; torch: {string.Join(", ", torch.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))}"));
        WriteProfiles(session, steps, doc.RootElement.GetProperty("profile"), log);
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { machine, warmup, repeats, oursSeconds = ours, torchSeconds = torch, oursMedian, torchMedian, ratio = oursMedian / torchMedian, lossError }, s_json));
            log.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }

        return 0;
    }

    /// <summary>Prints our per-node forward and backward milliseconds per step, and torch's profiler's top operators by self CPU time per step.</summary>
    private static void WriteProfiles(TrainingSession session, int steps, JsonElement torchProfile, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours, per step of {Batch} images (ms), averaged over {steps} profiled steps:"));
        log.WriteLine("node       | op                 | forward | backward");
        double forward = 0, backward = 0;
        foreach ((string node, string op, double f, double b) in session.NodeTimes)
        {
            forward += f / steps;
            backward += b / steps;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{node,-10} | {op,-18} | {f / steps,7:0.00} | {b / steps,8:0.00}"));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"total",-10} | {string.Empty,-18} | {forward,7:0.00} | {backward,8:0.00}"));
        log.WriteLine();
        log.WriteLine("torch, autograd profiler, top operators by self CPU time per step (ms):");
        foreach (JsonElement entry in torchProfile.EnumerateArray())
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry[0].GetString(),-45} | {entry[1].GetDouble(),7:0.00}"));
        }
    }

    /// <summary>The issue's MNIST CNN as an IR graph with PyTorch's BN convention and seeded He-initialised weights, also saved as .npy for torch.</summary>
    private static Model BuildMnistCnn(string folder)
    {
        var g = new Graph { Name = "mnist-cnn" };
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(Batch, 1, 28, 28)));
        var rng = new Random(3);
        void Init(string name, int[] shape, Func<float> value)
        {
            var t = TensorData.Create(TensorShape.Of(shape), [.. Enumerable.Range(0, (int)TensorShape.Of(shape).ElementCount).Select(_ => value())]);
            g.AddInitializer(name, t);
            NpyWriter.Write(Path.Combine(folder, name + ".npy"), t);
        }

        string previous = "x";
        int channels = 1;
        int[] widths = [32, 32, 64, 64, 128];
        for (int i = 0; i < widths.Length; i++)
        {
            int o = widths[i];
            float std = (float)Math.Sqrt(2.0 / (channels * 9));
            Init($"w{i}", [o, channels, 3, 3], () => std * (float)((rng.NextDouble() * 2) - 1) * 1.7f);
            Init($"g{i}", [o], () => 1f);
            Init($"b{i}", [o], () => 0f);
            Init($"m{i}", [o], () => 0f);
            Init($"v{i}", [o], () => 1f);
            g.Add(new Node("Conv", $"conv{i}", [previous, $"w{i}"], [$"c{i}"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
            g.Add(new Node("BatchNormalization", $"bn{i}", [$"c{i}", $"g{i}", $"b{i}", $"m{i}", $"v{i}"], [$"n{i}"]));
            g.Add(new Node("Relu", $"relu{i}", [$"n{i}"], [$"r{i}"]));
            previous = $"r{i}";
            channels = o;
            if (i is 1 or 3)
            {
                g.Add(new Node("MaxPool", $"pool{i}", [previous], [$"p{i}"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)));
                previous = $"p{i}";
            }
        }

        g.Add(new Node("GlobalAveragePool", "gap", [previous], ["gap"]));
        g.Add(new Node("Flatten", "flatten", ["gap"], ["features"]));
        Init("fw", [10, 128], () => (float)(((rng.NextDouble() * 2) - 1) * Math.Sqrt(1.0 / 128)));
        Init("fb", [10], () => 0f);
        g.Add(new Node("Gemm", "fc", ["features", "fw", "fb"], ["logits"]).With("transB", 1L));
        g.Outputs.Add("logits");
        return new Model(g);
    }
}
