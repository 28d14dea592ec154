using System.Globalization;
using System.Runtime.InteropServices;
using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Statistics;
using Converters.Plugins.Darknet;
using Converters.Pruning.Criteria;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;
using Converters.Pruning.Transform;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Pruning.Tests.Transform;

/// <summary>The acceptance test: a pruned yolov3, written back to Darknet, runs in Debian's darknet.</summary>
public class Yolov3DarknetTests(ITestOutputHelper output)
{
    private const string Cfg = "/usr/share/darknet/cfg/yolov3.cfg";

    /// <summary>Loads cfg + weights with libdarknet, predicts at batch 1 and writes the outputs of the given layers.</summary>
    private const string Script = """
        import ctypes, os, re, sys
        import numpy as np
        """ + DarknetStructs.Layouts + """
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        lib.parse_network_cfg.restype = ctypes.c_void_p
        lib.parse_network_cfg.argtypes = [ctypes.c_char_p]
        lib.load_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.set_batch_network.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
        lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
        lib.free_network.argtypes = [ctypes.c_void_p]
        def field(base, name, kind):
            return kind.from_address(base + L[name]).value
        cfg, weights = sys.argv[1], sys.argv[2]
        x = np.ascontiguousarray(np.fromfile(sys.argv[3], dtype=np.float32))
        net = lib.parse_network_cfg(cfg.encode())
        lib.load_weights(net, weights.encode())
        lib.set_batch_network(net, 1)
        lib.network_predict(net, x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        layers = ctypes.c_void_p.from_address(net + N['layers']).value
        for i in range(4, len(sys.argv), 2):
            base = layers + int(sys.argv[i]) * LSIZE
            count = field(base, 'outputs', ctypes.c_int)
            values = np.ctypeslib.as_array((ctypes.c_float * count).from_address(field(base, 'output', ctypes.c_void_p)))
            values.astype(np.float32).tofile(sys.argv[i + 1])
        lib.free_network(net)
        print('ok')
        """;

    [Fact]
    public void SlimTransform_Yolov3HalfByL1_DarknetRunsTheWrittenModelLikeOurEngine()
    {
        if (!Oracle.SkipOrFail(output, new OracleProbe("darknet", File.Exists(Cfg) && File.Exists("/usr/lib/darknet/libdarknet.so"), "install Debian's darknet")) ||
            !Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given: yolov3 at 160x160 with seeded random weights, and a plan keeping the better half of
        // every prunable group by L1 filter norm
        using var folder = new TempDirectory();
        string cfg = File.ReadAllText(Cfg).Replace("width=608", "width=160", StringComparison.Ordinal).Replace("height=608", "height=160", StringComparison.Ordinal)
            .Replace("width=416", "width=160", StringComparison.Ordinal).Replace("height=416", "height=160", StringComparison.Ordinal);
        Model model = PruningTestModels.FromCfg(cfg, seed: 5);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        var criterion = new L1NormCriterion();
        var entries = new List<KeyValuePair<string, (int, int[])>>();
        foreach (PruningGroup group in groups.Where(g => g.IsPrunable))
        {
            float[] scores = criterion.Score(model, group);
            int[] kept = [.. Enumerable.Range(0, group.ChannelCount).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(group.ChannelCount / 2)];
            entries.Add(new(group.Id, (group.ChannelCount, kept)));
        }

        var plan = new PruningPlan(entries);

        // When: the slim model is written back as .cfg + .weights
        Model slim = SlimTransform.Apply(model, groups, plan);
        IReadOnlyList<string> written = new DarknetFormat().Write(slim, folder.Path, "pruned", FormatOptions.Empty);
        long before = ModelStatistics.Compute(model.Graph).TotalMacs, after = ModelStatistics.Compute(slim.Graph).TotalMacs;
        output.WriteLine($"MACs {before:N0} -> {after:N0} ({1 - ((double)after / before):P1} removed)");

        // And: darknet and our engine run it on the same input
        var input = PruningTestModels.RandomInput(slim, 2);
        string x = folder.WriteFile("x.bin", MemoryMarshal.AsBytes(input.Values.Single().AsSpan<float>()).ToArray());
        var arguments = new List<string> { written.Single(f => f.EndsWith(".cfg", StringComparison.Ordinal)), written.Single(f => f.EndsWith(".weights", StringComparison.Ordinal)), x };
        foreach (string layer in slim.Graph.Outputs)
        {
            arguments.Add(layer);
            arguments.Add(folder.Combine($"darknet_{layer}.bin"));
        }

        Oracle.Python.Run(Script, arguments, TimeSpan.FromMinutes(3)).Trim().ShouldBe("ok");
        IReadOnlyDictionary<string, TensorData> ours = new InferenceSession(slim).Run(input);

        // Then: every yolo output agrees
        slim.Graph.Outputs.Count.ShouldBe(3);
        foreach (string layer in slim.Graph.Outputs)
        {
            float[] expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(folder.Combine($"darknet_{layer}.bin"))).ToArray();
            ReadOnlySpan<float> actual = ours[layer].AsSpan<float>();
            actual.Length.ShouldBe(expected.Length);
            double error = PruningTestModels.RelativeMaxError(actual, expected);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"layer {layer}: relative max error {error:E2}"));
            error.ShouldBeLessThanOrEqualTo(1e-4, $"layer {layer}");
        }

        after.ShouldBeLessThan(before * 2 / 5);
    }
}
