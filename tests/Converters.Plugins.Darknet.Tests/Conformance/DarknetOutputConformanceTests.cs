using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// Against Debian's darknet, for every cfg <see cref="DebianCfgs.Names"/> lists (at its small size):
/// darknet's own random weights (srand(1); every batch-norm rolling mean set to 0 and variance to 1,
/// as darknet leaves variances at 0 and activations would overflow), a seeded random input, and for
/// every graph output (layer i) darknet's <c>net->layers[i].output</c> after <c>network_predict</c>
/// (and of layers i − 1 and i − 2) equals our <see cref="InferenceSession"/>'s value within a relative max error of 1e-4
/// (max|ours − darknet| / max(max|darknet|, 1e-6)). One python process per cfg.
/// </summary>
public sealed class DarknetOutputConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-4;

    /// <summary>
    /// Parses the cfg (srand(1)), sets every batch-norm rolling mean to 0 and variance to 1 in memory,
    /// saves the weights, runs <c>network_predict</c> at batch 1 on the input and writes the outputs of
    /// the requested layers. The layer and network structs are laid out from darknet.h (its non-GPU fields).
    /// </summary>
    private const string Script = """
        import ctypes, os, re, sys
        import numpy as np
        """ + DarknetOracle.StructLayouts + """
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        libc = ctypes.CDLL('libc.so.6')
        lib.parse_network_cfg.restype = ctypes.c_void_p
        lib.parse_network_cfg.argtypes = [ctypes.c_char_p]
        lib.save_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.set_batch_network.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
        lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
        lib.free_network.argtypes = [ctypes.c_void_p]
        def field(base, name, kind):
            return kind.from_address(base + L[name]).value
        def floats(pointer, count):
            return np.ctypeslib.as_array((ctypes.c_float * count).from_address(pointer))
        cfg, weights, x = sys.argv[1], sys.argv[2], np.ascontiguousarray(np.fromfile(sys.argv[3], dtype=np.float32))
        # darknet opens files a cfg names (tree=) from its working directory: run from the cfg's folder
        os.chdir(os.path.dirname(os.path.abspath(cfg)))
        libc.srand(1)
        net = lib.parse_network_cfg(cfg.encode())
        count = ctypes.c_int.from_address(net + N['n']).value
        layers = ctypes.c_void_p.from_address(net + N['layers']).value
        fixed = 0
        for i in range(count):
            base = layers + i * LSIZE
            if field(base, 'batch_normalize', ctypes.c_int) and field(base, 'rolling_mean', ctypes.c_void_p):
                c = field(base, 'out_c', ctypes.c_int)
                floats(field(base, 'rolling_mean', ctypes.c_void_p), c)[:] = 0
                floats(field(base, 'rolling_variance', ctypes.c_void_p), c)[:] = 1
                fixed += 1
        lib.save_weights(net, weights.encode())
        lib.set_batch_network(net, 1)
        y = lib.network_predict(net, x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        y = ctypes.cast(y, ctypes.c_void_p).value
        for i in range(4, len(sys.argv), 2):
            layer = int(sys.argv[i])
            base = layers + layer * LSIZE
            # The last layer gives the network's output (a [cost] layer: the output of the layer before it).
            pointer = y if layer == count - 1 else field(base, 'output', ctypes.c_void_p)
            floats(pointer, field(base, 'outputs', ctypes.c_int)).astype(np.float32).tofile(sys.argv[i + 1])
        lib.free_network(net)
        print(fixed)
        """;

    /// <summary>
    /// Darknet's softmax_tree kernel (blas_kernels.cu, the GPU forward of a [region] with 'tree') in numpy,
    /// applied to darknet's own output of the layer before the region: logistic on x, y and objectness,
    /// w and h raw, and per anchor and position a softmax (temperature 1) over each group of consecutive
    /// tree lines with the same parent (read_tree). Arguments: input .bin, tree file, num, coords, classes,
    /// plane, output .bin.
    /// </summary>
    private const string RegionTreeScript = """
        import sys
        import numpy as np
        x = np.fromfile(sys.argv[1], dtype=np.float32).astype(np.float64)
        tree, out = sys.argv[2], sys.argv[7]
        num, coords, classes, plane = (int(v) for v in sys.argv[3:7])
        sizes, last = [], None
        for line in open(tree):
            parent = int(line.split()[1])
            if parent != last:
                sizes.append(0)
                last = parent
            sizes[-1] += 1
        assert sum(sizes) == classes, (sum(sizes), classes)
        y = x.reshape(-1, num, coords + classes + 1, plane).copy()
        for e in (0, 1, coords):
            y[:, :, e] = 1 / (1 + np.exp(-y[:, :, e]))
        start = coords + 1
        for size in sizes:
            g = y[:, :, start:start + size]
            g = np.exp(g - g.max(axis=2, keepdims=True))
            y[:, :, start:start + size] = g / g.sum(axis=2, keepdims=True)
            start += size
        y.astype(np.float32).tofile(out)
        print(len(sizes))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The first half of the cfgs (the second is <see cref="DarknetOutputConformanceSecondHalfTests"/>, so both cores work).</summary>
    public static TheoryData<string> Cfgs => Half(DebianCfgs.Names(), 0);

    [Theory]
    [MemberData(nameof(Cfgs))]
    public void Run_DebianCfgWithDarknetWeights_EveryGraphOutputEqualsDarknets(string name) => Check(name, _folder, output);

    internal static TheoryData<string> Half(TheoryData<string> all, int half)
    {
        var data = new TheoryData<string>();
        int i = 0;
        foreach (object[] row in (IEnumerable<object[]>)all)
        {
            if (i++ % 2 == half)
            {
                data.Add((string)row[0]);
            }
        }

        return data;
    }

    internal static void Check(string name, TempDirectory folder, ITestOutputHelper output)
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given: a small copy of the cfg
        Compare(BatchOfOne(DebianCfgs.SmallCopy(folder, name, DebianCfgs.SizeFor(name))), folder, output);
    }

    /// <summary>Runs <paramref name="cfg"/> (batch 1) in darknet and in our engine and compares the graph outputs, the two layers before each, and <paramref name="layers"/>.</summary>
    internal static void Compare(string cfg, TempDirectory folder, ITestOutputHelper output, IReadOnlyList<int>? layers = null)
    {
        // Given: a seeded random input in [0, 1)
        string name = Path.GetFileName(cfg);
        Model shapes = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);
        ValueInfo input = shapes.Graph.Inputs[0];
        var random = new Random(1);
        float[] x = new float[input.Shape.ElementCount];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextSingle();
        }

        string inputPath = folder.Combine("x.bin");
        File.WriteAllBytes(inputPath, MemoryMarshal.AsBytes(x.AsSpan()).ToArray());

        // When: darknet initialises its random weights (rolling means 0 / variances 1), saves them and
        // predicts, writing each graph output's layer
        string weights = folder.Combine(Path.ChangeExtension(name, ".weights"));
        // (each graph output i and the two layers before it: a final softmax of large logits saturates
        // to one-hot, so its inputs are compared as well)
        List<string> compared = [.. shapes.Graph.Outputs
            .SelectMany(v => new[] { 0, 1, 2 }.Select(back => int.Parse(v, CultureInfo.InvariantCulture) - back))
            .Concat(layers ?? [])
            .Where(layer => layer >= 0)
            .Select(layer => layer.ToString(CultureInfo.InvariantCulture))
            .Where(v => shapes.Graph.FindValue(v) is not null)
            .Distinct()];
        var arguments = new List<string> { cfg, weights, inputPath };
        foreach (string value in compared)
        {
            arguments.Add(value);
            arguments.Add(folder.Combine($"darknet_{value}.bin"));
        }

        int fixedUp = int.Parse(Oracle.Python.Run(Script, arguments, TimeSpan.FromMinutes(2)).Trim(), CultureInfo.InvariantCulture);

        // And: our engine runs the model read from the cfg and darknet's weights
        Model model = new DarknetFormat().Read([ModelFile.Open(cfg), ModelFile.Open(weights)], FormatOptions.Empty);
        List<Node> batchNorms = [.. model.Graph.Nodes.Where(n => n.OpType == "BatchNormalization")];
        batchNorms.Count.ShouldBe(fixedUp);
        batchNorms.Count(n => model.Graph.Initializers[n.Inputs[3]].AsSpan<float>().IndexOfAnyExcept(0f) >= 0).ShouldBe(0, "batch-norm means not 0");
        var session = new InferenceSession(model);
        IReadOnlyDictionary<string, TensorData> ours = session.Run(new Dictionary<string, TensorData> { [input.Name] = TensorData.Create(input.Shape, x) }, compared);

        // Then: every compared layer is within the relative max error of darknet's
        model.Graph.Outputs.ShouldNotBeEmpty();
        var report = new StringBuilder($"{name}: {fixedUp} batch norms at mean 0 / variance 1;");
        var errors = new List<(string Layer, double Error)>();
        foreach (string value in compared)
        {
            bool treeRegion = DebianCfgs.TreeRegions.Contains(name) && model.Graph.Outputs.Contains(value);
            float[] expected = treeRegion
                ? TreeRegionReference(model, value, folder.Combine($"darknet_{value}.bin"), folder, report)
                : MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(folder.Combine($"darknet_{value}.bin"))).ToArray();
            ReadOnlySpan<float> actual = ours[value].AsSpan<float>();
            actual.Length.ShouldBe(expected.Length, $"layer {value}");
            expected.All(float.IsFinite).ShouldBeTrue($"darknet's layer {value} is not finite");
            double error = RelativeMaxError(actual, expected);
            errors.Add((value, error));
            report.Append(CultureInfo.InvariantCulture, $" layer {value} ({ours[value].Shape}, max|expected| {MaxAbs(expected):G4}): relative max error {error:E2};");
        }

        output.WriteLine(report.ToString());
        errors.ShouldAllBe(e => e.Error <= Tolerance, report.ToString());
    }

    /// <summary>
    /// A [region] with a class tree: libdarknet's CPU output is not finite there (see
    /// <see cref="DebianCfgs.TreeRegions"/>), so the expected value is darknet's softmax_tree semantics
    /// (<see cref="RegionTreeScript"/>) applied to darknet's output of the layer before.
    /// </summary>
    private static float[] TreeRegionReference(Model model, string value, string darknetOutput, TempDirectory folder, StringBuilder report)
    {
        Node region = model.Graph.Nodes.Single(n => n.Outputs[0] == value && n.OpType == "Region");
        float[] darknet = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(darknetOutput)).ToArray();
        int nonFinite = darknet.Count(v => !float.IsFinite(v));
        nonFinite.ShouldBeGreaterThan(0, "libdarknet's CPU region with a tree is now finite: compare with it directly");
        string tree = region.Metadata[DarknetMetadata.Keys].AsStrings().First(k => k.StartsWith("tree=", StringComparison.Ordinal))["tree=".Length..];
        TensorShape shape = model.Graph.FindValue(value)!.Shape;
        string before = folder.Combine($"darknet_{region.Inputs[0]}.bin");
        string expected = folder.Combine($"reference_{value}.bin");
        string groups = Oracle.Python.Run(RegionTreeScript, [before, tree, region.Attributes["num"].AsInt().ToString(CultureInfo.InvariantCulture), region.Attributes["coords"].AsInt().ToString(CultureInfo.InvariantCulture), region.Attributes["classes"].AsInt().ToString(CultureInfo.InvariantCulture), (shape[2] * shape[3]).ToString(CultureInfo.InvariantCulture), expected]).Trim();
        report.Append(CultureInfo.InvariantCulture, $" layer {value}: libdarknet's CPU tree softmax left {nonFinite} of {darknet.Length} values non-finite, compared with softmax_tree over {groups} groups instead;");
        return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(expected)).ToArray();
    }

    /// <summary>Rewrites [net] batch and subdivisions to 1, so darknet allocates one image per layer.</summary>
    internal static string BatchOfOne(string cfg)
    {
        var builder = new StringBuilder();
        bool inNet = false;
        foreach (string line in File.ReadLines(cfg))
        {
            string stripped = line.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\t", string.Empty, StringComparison.Ordinal);
            if (stripped.StartsWith('['))
            {
                inNet = stripped is "[net]" or "[network]";
            }

            string key = stripped.Split('=')[0];
            builder.Append(inNet && key is "batch" or "subdivisions" ? $"{key}=1" : line).Append('\n');
        }

        File.WriteAllText(cfg, builder.ToString());
        return cfg;
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, Math.Abs((double)v));
        }

        return max;
    }

    private static double RelativeMaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double diff = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            diff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(diff, d);
        }

        return diff / Math.Max(MaxAbs(expected), 1e-6);
    }
}

/// <summary>The second half of <see cref="DarknetOutputConformanceTests"/>' cfgs, run in parallel with the first.</summary>
public sealed class DarknetOutputConformanceSecondHalfTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Cfgs => DarknetOutputConformanceTests.Half(DebianCfgs.Names(), 1);

    [Theory]
    [MemberData(nameof(Cfgs))]
    public void Run_DebianCfgWithDarknetWeights_EveryGraphOutputEqualsDarknets(string name) => DarknetOutputConformanceTests.Check(name, _folder, output);
}
