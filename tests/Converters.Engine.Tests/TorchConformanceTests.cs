using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Samples.TextNet;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests;

/// <summary>
/// Conformance against PyTorch (an independent implementation): the same weights and inputs are
/// exported as .npy, the network is rebuilt with torch.nn.functional in /usr/bin/python3, and every
/// compared value must agree within relative max error 1e-4 (max|ours - torch| / max(max|torch|, 1e-6)).
/// Skipped with a message without the oracle on a developer machine; fails in CI.
/// </summary>
public class TorchConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-4;

    private const string ConvStackScript = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d = sys.argv[1]
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy'))
        torch.set_num_threads(1)
        x = L('x')
        out = {}
        y = F.conv2d(F.pad(x, (0, 1, 1, 2)), L('w1'), L('b1'), stride=(1, 2), dilation=2, groups=2); out['conv1'] = y
        y = F.batch_norm(y, L('m'), L('v'), L('s'), L('b'), False, 0.0, 1e-3); out['bn'] = y
        y = F.leaky_relu(y, 0.1); out['leaky'] = y
        y = F.max_pool2d(y, 3, 2, padding=1); out['pool1'] = y
        y = F.mish(y); out['mish'] = y
        y = F.interpolate(y, scale_factor=2, mode='nearest'); out['up'] = y
        y = F.avg_pool2d(y, 3, 1, padding=1, count_include_pad=False); out['avg1'] = y
        y = F.conv2d(y, L('w2'), L('b2'), padding=1, groups=8); out['dw'] = y
        y = F.avg_pool2d(y, 2, 2, count_include_pad=True); out['avg2'] = y
        y = y.mean((2, 3)); out['gap'] = y
        y = F.linear(y, L('w3'), L('b3')); out['fc'] = y
        y = F.softmax(y, 1); out['prob'] = y
        for k, v in out.items():
            np.save(f'{d}/torch_{k}.npy', v.reshape(v.shape[0], -1).numpy() if k == 'gap' else v.numpy())
        """;

    private const string TinyCnnScript = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d = sys.argv[1]
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy'))
        def bn(y, n): return F.batch_norm(y, L(n + '.mean'), L(n + '.var'), L(n + '.scale'), L(n + '.bias'), False, 0.0, 1e-5)
        x = L('data')
        out = {}
        y = F.leaky_relu(bn(F.conv2d(x, L('conv1.weight'), None, padding=1), 'bn1'), 0.1)
        p1 = F.max_pool2d(y, 2, 2); out['pool1'] = p1
        y = F.leaky_relu(bn(F.conv2d(p1, L('conv2.weight'), None, padding=1), 'bn2'), 0.1)
        y = bn(F.conv2d(y, L('conv3.weight'), None, padding=1), 'bn3')
        y = F.relu(y + p1); out['act3'] = y
        a = F.conv2d(y, L('conv4.weight'), L('conv4.bias'), stride=2, padding=1)
        b = F.conv2d(y, L('branch.weight'), L('branch.bias'), stride=2)
        y = F.leaky_relu(torch.cat([a, b], 1), 0.1); out['act4'] = y
        y = y.mean((2, 3))
        y = F.linear(y, L('fc.weight'), L('fc.bias')); out['fc'] = y
        out['prob'] = F.softmax(y, 1)
        for k, v in out.items():
            np.save(f'{d}/torch_{k}.npy', v.numpy())
        """;

    [Fact]
    public void ConvPoolNormStack_MatchesTorch()
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        using var dir = new TempDirectory();
        var graph = new Graph { Name = "conformance" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 4, 11, 10)));
        void Init(string name, int seed, float scale, float offset, params int[] shape)
        {
            float[] v = [.. Tolerance.Random(checked((int)TensorShape.Of(shape).ElementCount), seed, scale).Select(f => offset == 0 ? f : offset + Math.Abs(f))];
            var t = TensorData.Create(TensorShape.Of(shape), v);
            graph.AddInitializer(name, t);
            NpyWriter.Write(dir.Combine(name + ".npy"), t);
        }

        Init("w1", 1, 0.4f, 0, 8, 2, 3, 3);
        Init("b1", 2, 0.2f, 0, 8);
        Init("s", 3, 0.5f, 0.5f, 8);
        Init("b", 4, 0.2f, 0, 8);
        Init("m", 5, 0.2f, 0, 8);
        Init("v", 6, 0.5f, 0.5f, 8);
        Init("w2", 7, 0.4f, 0, 8, 1, 3, 3);
        Init("b2", 8, 0.2f, 0, 8);
        Init("w3", 9, 0.5f, 0, 5, 8);
        Init("b3", 10, 0.2f, 0, 5);
        graph.Add(new Node("Conv", "conv1", ["x", "w1", "b1"], ["conv1"]).With("strides", AttributeValue.FromInts(1, 2)).With("pads", AttributeValue.FromInts(1, 0, 2, 1)).With("dilations", AttributeValue.FromInts(2, 2)).With("group", 2L));
        graph.Add(new Node("BatchNormalization", "bn", ["conv1", "s", "b", "m", "v"], ["bn"]).With("epsilon", 1e-3));
        graph.Add(new Node("LeakyRelu", "leaky", ["bn"], ["leaky"]).With("alpha", 0.1));
        graph.Add(new Node("MaxPool", "pool1", ["leaky"], ["pool1"]).With("kernel_shape", AttributeValue.FromInts(3, 3)).With("strides", AttributeValue.FromInts(2, 2)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("Mish", "mish", ["pool1"], ["mish"]));
        graph.Add(new Node("Upsample", "up", ["mish"], ["up"]).With("scales", AttributeValue.FromInts(2, 2)));
        graph.Add(new Node("AveragePool", "avg1", ["up"], ["avg1"]).With("kernel_shape", AttributeValue.FromInts(3, 3)).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        graph.Add(new Node("Conv", "dw", ["avg1", "w2", "b2"], ["dw"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)).With("group", 8L));
        graph.Add(new Node("AveragePool", "avg2", ["dw"], ["avg2"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)).With("count_include_pad", 1L));
        graph.Add(new Node("GlobalAveragePool", "gap4", ["avg2"], ["gap4"]));
        graph.Add(new Node("Flatten", "gap", ["gap4"], ["gap"]));
        graph.Add(new Node("Gemm", "fc", ["gap", "w3", "b3"], ["fc"]).With("transB", 1L));
        graph.Add(new Node("Softmax", "prob", ["fc"], ["prob"]));
        graph.Outputs.Add("prob");

        TensorData x = OpHarness.Tensor([2, 4, 11, 10], 11, 2f);
        NpyWriter.Write(dir.Combine("x.npy"), x);
        string[] compared = ["conv1", "bn", "leaky", "pool1", "mish", "up", "avg1", "dw", "avg2", "gap", "fc", "prob"];
        IReadOnlyDictionary<string, TensorData> ours = new InferenceSession(new Model(graph)).Run(new Dictionary<string, TensorData> { ["x"] = x }, compared);
        Oracle.Python.Run(ConvStackScript, dir.Path);
        Compare(dir, ours, compared);
    }

    [Fact]
    public void TinyCnnSample_MatchesTorch()
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        using var dir = new TempDirectory();
        string path = RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");
        Model model = new TextNetFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);
        foreach ((string name, TensorData tensor) in model.Graph.Initializers)
        {
            NpyWriter.Write(dir.Combine(name + ".npy"), tensor);
        }

        TensorData x = OpHarness.Tensor([1, 3, 32, 32], 12, 1f);
        NpyWriter.Write(dir.Combine("data.npy"), x);
        string[] compared = ["pool1", "act3", "act4", "fc", "prob"];
        IReadOnlyDictionary<string, TensorData> ours = new InferenceSession(model).Run(new Dictionary<string, TensorData> { ["data"] = x }, compared);
        Oracle.Python.Run(TinyCnnScript, dir.Path);
        Compare(dir, ours, compared);
    }

    private void Compare(TempDirectory dir, IReadOnlyDictionary<string, TensorData> ours, string[] names)
    {
        foreach (string name in names)
        {
            TensorData expected = NpyReader.Read(dir.Combine($"torch_{name}.npy"));
            ours[name].Shape.ShouldBe(expected.Shape, name);
            double e = Tolerance.RelativeMaxError(ours[name].AsSpan<float>(), expected.AsSpan<float>());
            output.WriteLine($"{name,-6} {expected.Shape,-12} relative max error {e:E2}");
            e.ShouldBeLessThanOrEqualTo(Limit, name);
        }
    }
}
