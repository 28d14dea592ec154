using Converters.Engine.Training;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training;

/// <summary>
/// Gradients of the GEMM-based training kernels (Conv, BatchNormalization in training mode, Gemm)
/// against PyTorch autograd: the same weights, input and output gradient are exported as .npy, torch
/// rebuilds the graph with torch.nn.functional, and every gradient and running statistic must agree
/// within relative max error 1e-4.
/// </summary>
public class TorchGradientConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-4;

    private const string ConvBnScript = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d, darknet, s1 = sys.argv[1], sys.argv[2] == '1', sys.argv[3] == '1'
        torch.set_num_threads(1)
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy')).double()
        P = lambda n: L(n).requires_grad_(True)
        x, w1, b1, g, b, w2, b2 = P('x'), P('w1'), P('b1'), P('g'), P('b'), P('w2'), P('b2')
        rm, rv = L('rm'), L('rv')
        y = F.conv2d(F.pad(x, (1, 0, 2, 1)), w1, b1, stride=(1, 1) if s1 else (2, 1), dilation=(2, 1) if s1 else (1, 2), groups=2)
        if darknet:
            mean = y.mean((0, 2, 3), keepdim=True)
            var = y.var((0, 2, 3), unbiased=True, keepdim=True)
            z = (y - mean) / (var.sqrt() + 1e-6) * g.view(1, -1, 1, 1) + b.view(1, -1, 1, 1)
            rm = 0.99 * rm + 0.01 * mean.flatten().detach()
            rv = 0.99 * rv + 0.01 * var.flatten().detach()
        else:
            z = F.batch_norm(y, rm, rv, g, b, True, 0.1, 1e-3)
        o = F.conv2d(z, w2, b2)
        (o * L('r')).sum().backward()
        for n, t in [('x', x), ('w1', w1), ('b1', b1), ('g', g), ('b', b), ('w2', w2), ('b2', b2)]:
            np.save(f'{d}/torch_d{n}.npy', t.grad.float().numpy())
        np.save(f'{d}/torch_o.npy', o.detach().float().numpy())
        np.save(f'{d}/torch_rm.npy', rm.float().numpy())
        np.save(f'{d}/torch_rv.npy', rv.float().numpy())
        """;

    private const string GemmScript = """
        import sys, numpy as np, torch
        d, ta, tb = sys.argv[1], sys.argv[2] == '1', sys.argv[3] == '1'
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy')).double()
        P = lambda n: L(n).requires_grad_(True)
        a, b, c = P('a'), P('b'), P('c')
        y = 0.7 * ((a.t() if ta else a) @ (b.t() if tb else b)) + 1.3 * c
        (y * L('r')).sum().backward()
        for n, t in [('a', a), ('b', b), ('c', c)]:
            np.save(f'{d}/torch_d{n}.npy', t.grad.float().numpy())
        np.save(f'{d}/torch_y.npy', y.detach().float().numpy())
        """;

    [Theory]
    [InlineData(false, 1, false)]
    [InlineData(false, 2, false)]
    [InlineData(true, 2, false)]
    [InlineData(false, 2, true)]
    [InlineData(true, 1, true)]
    public void ConvBatchNormConv_TrainingGradients_MatchTorch(bool darknet, int threads, bool strideOne)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given conv (stride 2x1 and dilation 1x2, or stride 1 and dilation 2x1 — whose dX is a
        // correlation of dY —; groups 2, asymmetric pads) → BN in training mode → 1x1 conv, odd shapes
        using var dir = new TempDirectory();
        var graph = new Graph { Name = "grad" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(3, 4, 9, 7)));
        Init(graph, dir, "w1", [6, 2, 3, 2], 1, 0.5f);
        Init(graph, dir, "b1", [6], 2, 0.3f);
        Init(graph, dir, "g", [6], 3, 0.5f, 0.5f);
        Init(graph, dir, "b", [6], 4, 0.3f);
        Init(graph, dir, "rm", [6], 5, 0.2f);
        Init(graph, dir, "rv", [6], 6, 0.5f, 0.5f);
        Init(graph, dir, "w2", [5, 6, 1, 1], 7, 0.5f);
        Init(graph, dir, "b2", [5], 8, 0.3f);
        graph.Add(new Node("Conv", "conv1", ["x", "w1", "b1"], ["y"]).With("strides", strideOne ? AttributeValue.FromInts(1, 1) : AttributeValue.FromInts(2, 1)).With("dilations", strideOne ? AttributeValue.FromInts(2, 1) : AttributeValue.FromInts(1, 2)).With("pads", AttributeValue.FromInts(2, 1, 1, 0)).With("group", 2L));
        Node bn = new Node("BatchNormalization", "bn", ["y", "g", "b", "rm", "rv"], ["z"]);
        graph.Add(darknet ? bn.With("epsilon", 1e-6).With("epsilon_mode", "stddev") : bn.With("epsilon", 1e-3));
        graph.Add(new Node("Conv", "conv2", ["z", "w2", "b2"], ["o"]));
        graph.Outputs.Add("o");
        var session = new TrainingSession(new Model(graph), new TrainingSessionOptions { InputGradients = true, MaxThreads = threads, BatchNormMomentum = darknet ? 0.01f : 0.1f });
        float[] x = Tolerance.Random(3 * 4 * 9 * 7, 11, 2f);
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(TensorShape.Of(3, 4, 9, 7), x));
        TensorShape os = session.ShapeOf("o");
        float[] r = Tolerance.Random((int)os.ElementCount, 12, 1f);
        NpyWriter.Write(dir.Combine("r.npy"), TensorData.Create(os, r));

        // When one training forward and a backward seeded with r run here and in torch
        x.CopyTo(session.Input("x"));
        session.Forward();
        session.Backward(new Dictionary<string, float[]> { ["o"] = r });
        Oracle.Python.Run(ConvBnScript, dir.Path, darknet ? "1" : "0", strideOne ? "1" : "0");

        // Then outputs, every gradient and the updated running statistics agree
        Check(dir, "o", session.Value("o"));
        Check(dir, "dx", session.Gradient("x"));
        foreach (string p in new[] { "w1", "g", "b", "w2", "b2" })
        {
            Check(dir, "d" + p, session.Parameters.Single(q => q.Name == p).Gradient);
        }

        // A bias right before training-mode BN is removed with the batch mean: its true gradient is 0
        // (torch's is rounding noise of 1e-16), so ours is checked against 0 at the scale of dW1.
        float scale = session.Parameters.Single(q => q.Name == "w1").Gradient.Max(Math.Abs);
        session.Parameters.Single(q => q.Name == "b1").Gradient.Max(Math.Abs).ShouldBeLessThan(1e-5f * scale);

        Check(dir, "rm", session.Value("rm"));
        Check(dir, "rv", session.Value("rv"));
        session.Parameters.Select(p => p.Name).ShouldBe(["w1", "b1", "g", "b", "w2", "b2"]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gemm_TrainingGradients_MatchTorch(bool transA, bool transB)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given Y = 0.7 op(A) op(B) + 1.3 C with C broadcast along the rows (M=5, K=7, N=3) and A a differentiated input
        using var dir = new TempDirectory();
        const int m = 5, k = 7, n = 3;
        var graph = new Graph { Name = "gemm" };
        int[] aShape = transA ? [k, m] : [m, k];
        graph.Inputs.Add(new ValueInfo("a", DataType.Float32, TensorShape.Of(aShape)));
        Init(graph, dir, "b", transB ? [n, k] : [k, n], 1, 0.5f);
        Init(graph, dir, "c", [n], 2, 0.5f);
        graph.Add(new Node("Gemm", "fc", ["a", "b", "c"], ["y"]).With("transA", transA ? 1L : 0L).With("transB", transB ? 1L : 0L).With("alpha", 0.7).With("beta", 1.3));
        graph.Outputs.Add("y");
        var session = new TrainingSession(new Model(graph), new TrainingSessionOptions { InputGradients = true, Batch = aShape[0] });
        float[] a = Tolerance.Random(m * k, 3, 1f);
        NpyWriter.Write(dir.Combine("a.npy"), TensorData.Create(TensorShape.Of(aShape), a));
        float[] r = Tolerance.Random(m * n, 4, 1f);
        NpyWriter.Write(dir.Combine("r.npy"), TensorData.Create(TensorShape.Of(m, n), r));

        // When forward and backward run here and in torch
        a.CopyTo(session.Input("a"));
        session.Forward();
        session.Backward(new Dictionary<string, float[]> { ["y"] = r });
        Oracle.Python.Run(GemmScript, dir.Path, transA ? "1" : "0", transB ? "1" : "0");

        // Then the output and all three gradients agree
        Check(dir, "y", session.Value("y"));
        Check(dir, "da", session.Gradient("a"));
        Check(dir, "db", session.Parameters[0].Gradient);
        Check(dir, "dc", session.Parameters[1].Gradient);
    }

    [Fact]
    public void Backward_SeedOnValueWithoutParameters_ThrowsNamingIt()
    {
        // Given a graph whose input gets no gradient
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 3)));
        graph.AddInitializer("w", TensorData.Create(TensorShape.Of(4, 3), new float[12]));
        graph.Add(new Node("Gemm", "fc", ["x", "w"], ["y"]).With("transB", 1L));
        graph.Outputs.Add("y");
        var session = new TrainingSession(new Model(graph));

        // When the input is seeded, Then the error names it
        session.Forward();
        Should.Throw<ArgumentException>(() => session.Backward(new Dictionary<string, float[]> { ["x"] = new float[6] }))
            .Message.ShouldContain("'x' does not depend on anything trainable");
        Should.Throw<ArgumentException>(() => session.Backward(new Dictionary<string, float[]> { ["y"] = new float[7] }))
            .Message.ShouldContain("has 7 elements; the value has 8");
    }

    private static void Init(Graph graph, TempDirectory dir, string name, int[] shape, int seed, float scale, float offset = 0f)
    {
        float[] v = [.. Tolerance.Random(checked((int)TensorShape.Of(shape).ElementCount), seed, scale).Select(f => offset == 0 ? f : offset + Math.Abs(f))];
        var t = TensorData.Create(TensorShape.Of(shape), v);
        graph.AddInitializer(name, t);
        NpyWriter.Write(dir.Combine(name + ".npy"), t);
    }

    private void Check(TempDirectory dir, string name, ReadOnlySpan<float> ours)
    {
        TensorData expected = NpyReader.Read(dir.Combine($"torch_{name}.npy"));
        double e = Tolerance.RelativeMaxError(ours, expected.AsSpan<float>());
        output.WriteLine($"{name,-4} {expected.Shape,-14} relative max error {e:E2}");
        e.ShouldBeLessThanOrEqualTo(Limit, name);
    }
}
