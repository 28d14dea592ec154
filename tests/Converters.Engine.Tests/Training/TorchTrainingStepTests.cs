using Converters.Engine.Training;
using Converters.Engine.Training.Losses;
using Converters.Engine.Training.Optimizers;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training;

/// <summary>
/// The cross-check: the same small BN CNN, the same initial weights and the same batches,
/// SGD steps (momentum, Nesterov, weight decay) on the cross-entropy loss here and in PyTorch 1.13
/// (torch.nn.functional, training-mode batch norm, torch.optim.SGD) give the same weights and BN
/// running statistics to 1e-5 relative.
/// </summary>
public class TorchTrainingStepTests(ITestOutputHelper output)
{
    private const double Limit = 1e-5;

    private const string Script = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d, steps, nesterov = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1'
        torch.set_num_threads(1)
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy'))
        names = ['w1', 'g1', 'b1', 'w2', 'c2', 'g2', 'b2', 'fw', 'fb']
        p = {n: L(n).double().requires_grad_(True) for n in names}
        stats = {n: L(n).double() for n in ['m1', 'v1', 'm2', 'v2']}
        opt = torch.optim.SGD([p[n] for n in names], lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=nesterov)
        for s in range(steps):
            x, y = L(f'x{s}').double(), L(f'y{s}').long()
            h = F.conv2d(x, p['w1'], None, padding=1)
            h = F.relu(F.batch_norm(h, stats['m1'], stats['v1'], p['g1'], p['b1'], True, 0.1, 1e-5))
            h = F.max_pool2d(h, 2, 2)
            h = F.conv2d(h, p['w2'], p['c2'], stride=2, padding=1)
            h = F.relu(F.batch_norm(h, stats['m2'], stats['v2'], p['g2'], p['b2'], True, 0.1, 1e-5))
            h = h.mean((2, 3))
            logits = F.linear(h, p['fw'], p['fb'])
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(); loss.backward(); opt.step()
            np.save(f'{d}/torch_loss{s}.npy', np.array([loss.item()], np.float32))
        for n in names:
            np.save(f'{d}/torch_{n}.npy', p[n].detach().float().numpy())
        for n, t in stats.items():
            np.save(f'{d}/torch_{n}.npy', t.float().numpy())
        """;

    [Theory]
    [InlineData(1, false, 2)]
    [InlineData(3, true, 1)]
    public void SgdSteps_SmallBnCnn_MatchTorch(int steps, bool nesterov, int threads)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given a conv-BN-relu-pool-conv(stride 2)-BN-relu-GAP-FC CNN with seeded weights, batches of 6 images of 1x10x10 in 4 classes
        using var dir = new TempDirectory();
        const int batch = 6, classes = 4;
        var graph = new Graph { Name = "cnn" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(batch, 1, 10, 10)));
        Init(graph, dir, "w1", [8, 1, 3, 3], 1, 0.5f);
        Init(graph, dir, "g1", [8], 2, 0.5f, 0.5f);
        Init(graph, dir, "b1", [8], 3, 0.2f);
        Init(graph, dir, "m1", [8], 4, 0f);
        Init(graph, dir, "v1", [8], 5, 0f, 1f);
        Init(graph, dir, "w2", [12, 8, 3, 3], 6, 0.3f);
        Init(graph, dir, "c2", [12], 7, 0.2f);
        Init(graph, dir, "g2", [12], 8, 0.5f, 0.5f);
        Init(graph, dir, "b2", [12], 9, 0.2f);
        Init(graph, dir, "m2", [12], 10, 0f);
        Init(graph, dir, "v2", [12], 11, 0f, 1f);
        Init(graph, dir, "fw", [classes, 12], 12, 0.4f);
        Init(graph, dir, "fb", [classes], 13, 0.1f);
        graph.Add(new Node("Conv", "conv1", ["x", "w1"], ["h1"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("BatchNormalization", "bn1", ["h1", "g1", "b1", "m1", "v1"], ["n1"]));
        graph.Add(new Node("Relu", "relu1", ["n1"], ["r1"]));
        graph.Add(new Node("MaxPool", "pool", ["r1"], ["p1"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("Conv", "conv2", ["p1", "w2", "c2"], ["h2"]).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("BatchNormalization", "bn2", ["h2", "g2", "b2", "m2", "v2"], ["n2"]));
        graph.Add(new Node("Relu", "relu2", ["n2"], ["r2"]));
        graph.Add(new Node("GlobalAveragePool", "gap", ["r2"], ["g"]));
        graph.Add(new Node("Flatten", "flat", ["g"], ["f"]));
        graph.Add(new Node("Gemm", "fc", ["f", "fw", "fb"], ["logits"]).With("transB", 1L));
        graph.Add(new Node("Softmax", "prob", ["logits"], ["prob"]));
        graph.Outputs.Add("prob");
        var session = new TrainingSession(new Model(graph), new TrainingSessionOptions { MaxThreads = threads });
        var sgd = new Sgd(momentum: 0.9f, weightDecay: 5e-4f, nesterov: nesterov);
        float[] gradient = new float[batch * classes];

        // When the same batches take the same SGD steps here and in torch
        var losses = new List<float>();
        for (int s = 0; s < steps; s++)
        {
            float[] x = Tolerance.Random(batch * 100, 100 + s, 2f);
            int[] y = [.. Enumerable.Range(0, batch).Select(i => (i * 7 + s) % classes)];
            NpyWriter.Write(dir.Combine($"x{s}.npy"), TensorData.Create(TensorShape.Of(batch, 1, 10, 10), x));
            NpyWriter.Write(dir.Combine($"y{s}.npy"), TensorData.Create(TensorShape.Of(batch), y.Select(v => (long)v).ToArray()));
            x.CopyTo(session.Input("x"));
            session.Forward();
            losses.Add(SoftmaxCrossEntropy.Compute(session.Value("logits"), y, classes, 0f, gradient, []));
            session.Backward(new Dictionary<string, float[]> { ["logits"] = gradient });
            sgd.Step(session.Parameters, 0.1f);
        }

        Oracle.Python.Run(Script, dir.Path, steps.ToString(System.Globalization.CultureInfo.InvariantCulture), nesterov ? "1" : "0");

        // Then the losses, every parameter and the running statistics agree
        for (int s = 0; s < steps; s++)
        {
            losses[s].ShouldBe(NpyReader.Read(dir.Combine($"torch_loss{s}.npy")).AsSpan<float>()[0], 1e-5);
        }

        foreach (string name in new[] { "w1", "g1", "b1", "w2", "c2", "g2", "b2", "fw", "fb", "m1", "v1", "m2", "v2" })
        {
            TensorData expected = NpyReader.Read(dir.Combine($"torch_{name}.npy"));
            double e = Tolerance.RelativeMaxError(session.Value(name), expected.AsSpan<float>());
            output.WriteLine($"{name,-3} relative max error {e:E2}");
            e.ShouldBeLessThanOrEqualTo(Limit, name);
        }
    }

    private static void Init(Graph graph, TempDirectory dir, string name, int[] shape, int seed, float scale, float offset = 0f)
    {
        float[] v = [.. Tolerance.Random(checked((int)TensorShape.Of(shape).ElementCount), seed, scale).Select(f => offset + (offset == 0 ? f : Math.Abs(f)))];
        var t = TensorData.Create(TensorShape.Of(shape), v);
        graph.AddInitializer(name, t);
        NpyWriter.Write(dir.Combine(name + ".npy"), t);
    }
}
