using Converters.Engine.Training;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>
/// Gradients of the activation, pooling, layout and deconvolution kernels against PyTorch autograd
/// (float64): the same input, weights and output gradient go to torch as .npy files, torch rebuilds
/// the chain with torch.nn.functional, and every gradient must agree within relative max error 1e-4.
/// </summary>
public class TorchTrainingKernelConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-4;

    private const string DeconvScript = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d = sys.argv[1]
        torch.set_num_threads(1)
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy')).double()
        P = lambda n: L(n).requires_grad_(True)
        x, w, b, s = P('x'), P('w'), P('b'), P('s')
        y = F.conv_transpose2d(x, w, b, stride=2, padding=1)
        y = F.local_response_norm(y, 3, alpha=0.5, beta=0.75, k=1.5)
        y = F.prelu(y, s)
        y = F.max_pool2d(y, 3, stride=2, padding=1)
        y = F.avg_pool2d(y, 2, stride=1)
        y = F.mish(y)
        y = F.softmax(y, dim=1)
        (y * L('r')).sum().backward()
        np.save(f'{d}/torch_y.npy', y.detach().float().numpy())
        for n, t in [('x', x), ('w', w), ('b', b), ('s', s)]:
            np.save(f'{d}/torch_d{n}.npy', t.grad.float().numpy())
        """;

    private const string LayoutScript = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d = sys.argv[1]
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy')).double()
        P = lambda n: L(n).requires_grad_(True)
        x, m = P('x'), P('m')
        y = F.pad(x, (1, 2, 2, 1), mode='reflect')
        y = F.avg_pool2d(y, 3, stride=2, padding=1, count_include_pad=True)
        y = F.interpolate(y, scale_factor=2, mode='nearest')
        y = torch.cat([y * m, F.elu(y, 0.7)], 1)
        y = F.hardsigmoid(y).permute(0, 2, 3, 1)
        (y * L('r')).sum().backward()
        np.save(f'{d}/torch_y.npy', y.detach().float().numpy())
        for n, t in [('x', x), ('m', m)]:
            np.save(f'{d}/torch_d{n}.npy', t.grad.float().numpy())
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DeconvLrnPReluPoolsMishSoftmax_Gradients_MatchTorch(int threads)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given deconv (stride 2, pad 1) → LRN 3 → PRelu → MaxPool 3/2 pad 1 → AvgPool 2/1 → Mish → Softmax on 2x4x5x6
        using var dir = new TempDirectory();
        var graph = new Graph { Name = "deconv" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 4, 5, 6)));
        Init(graph, dir, "w", [4, 3, 3, 3], 1, 0.5f);
        Init(graph, dir, "b", [3], 2, 0.3f);
        Init(graph, dir, "s", [3], 3, 0.4f);
        graph.Add(new Node("ConvTranspose", "deconv", ["x", "w", "b"], ["t"]).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("LRN", "lrn", ["t"], ["l"]).With("size", 3L).With("alpha", 0.5).With("beta", 0.75).With("bias", 1.5));
        graph.Add(new Node("PRelu", "prelu", ["l", "s"], ["p"]));
        graph.Add(new Node("MaxPool", "max", ["p"], ["m"]).With("kernel_shape", AttributeValue.FromInts(3, 3)).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("AveragePool", "avg", ["m"], ["a"]).With("kernel_shape", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("Mish", "mish", ["a"], ["h"]));
        graph.Add(new Node("Softmax", "softmax", ["h"], ["y"]).With("axis", 1L));
        graph.Outputs.Add("y");

        // When forward and a backward seeded with r run here and in torch
        TrainingSession session = Run(graph, dir, threads, DeconvScript);

        // Then the output and every gradient agree
        Check(dir, "y", session.Value("y"));
        Check(dir, "dx", session.Gradient("x"));
        foreach (string p in new[] { "w", "b", "s" })
        {
            Check(dir, "d" + p, session.Parameters.Single(q => q.Name == p).Gradient);
        }
    }

    [Fact]
    public void PadPoolUpsampleConcatTranspose_Gradients_MatchTorch()
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given reflect pad → AvgPool 3/2 pad 1 (count_include_pad) → Upsample 2 → Concat(Mul by a broadcast m, Elu) → HardSigmoid → Transpose to NHWC
        using var dir = new TempDirectory();
        var graph = new Graph { Name = "layout" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 3, 7, 5)));
        graph.Inputs.Add(new ValueInfo("m", DataType.Float32, TensorShape.Of(1, 3, 1, 1)));
        graph.Add(new Node("Pad", "pad", ["x"], ["p"]).With("pads", AttributeValue.FromInts(0, 0, 2, 1, 0, 0, 1, 2)).With("mode", "reflect"));
        graph.Add(new Node("AveragePool", "avg", ["p"], ["a"]).With("kernel_shape", AttributeValue.FromInts(3, 3)).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)).With("count_include_pad", 1L));
        graph.Add(new Node("Upsample", "up", ["a"], ["u"]).With("scales", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("Mul", "mul", ["u", "m"], ["um"]));
        graph.Add(new Node("Elu", "elu", ["u"], ["e"]).With("alpha", 0.7));
        graph.Add(new Node("Concat", "cat", ["um", "e"], ["c"]).With("axis", 1L));
        graph.Add(new Node("HardSigmoid", "hs", ["c"], ["h"]).With("alpha", 1.0 / 6).With("beta", 0.5));
        graph.Add(new Node("Transpose", "nhwc", ["h"], ["y"]).With("perm", AttributeValue.FromInts(0, 2, 3, 1)));
        graph.Outputs.Add("y");
        NpyWriter.Write(dir.Combine("m.npy"), TensorData.Create(TensorShape.Of(1, 3, 1, 1), new[] { 1.5f, -2f, 3f }));

        // When
        TrainingSession session = Run(graph, dir, 1, LayoutScript, ("m", [1.5f, -2f, 3f]));

        // Then
        Check(dir, "y", session.Value("y"));
        Check(dir, "dx", session.Gradient("x"));
        Check(dir, "dm", session.Gradient("m"));
    }

    private static TrainingSession Run(Graph graph, TempDirectory dir, int threads, string script, params (string Name, float[] Values)[] extra)
    {
        var session = new TrainingSession(new Model(graph), new TrainingSessionOptions { InputGradients = true, MaxThreads = threads });
        TensorShape xs = session.ShapeOf("x");
        float[] x = Tolerance.Random((int)xs.ElementCount, 11, 2f);
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(xs, x));
        x.CopyTo(session.Input("x"));
        foreach ((string name, float[] values) in extra)
        {
            values.CopyTo(session.Input(name));
        }

        TensorShape ys = session.ShapeOf("y");
        float[] r = Tolerance.Random((int)ys.ElementCount, 12, 1f);
        NpyWriter.Write(dir.Combine("r.npy"), TensorData.Create(ys, r));
        session.Forward();
        session.Backward(new Dictionary<string, float[]> { ["y"] = r });
        Oracle.Python.Run(script, dir.Path);
        return session;
    }

    private static void Init(Graph graph, TempDirectory dir, string name, int[] shape, int seed, float scale)
    {
        var t = TensorData.Create(TensorShape.Of(shape), Tolerance.Random(checked((int)TensorShape.Of(shape).ElementCount), seed, scale));
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
