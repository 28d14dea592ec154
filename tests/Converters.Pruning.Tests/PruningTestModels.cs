using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Plugins.Darknet;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;
using Converters.Testing;

namespace Converters.Pruning.Tests;

/// <summary>Models for the pruning tests: Darknet cfg text read by the Darknet plugin, with seeded random weights.</summary>
internal static class PruningTestModels
{
    /// <summary>Reads cfg text and fills every initializer with seeded random values (BN variances positive).</summary>
    public static Model FromCfg(string cfg, int seed = 1)
    {
        using var folder = new TempDirectory();
        string path = folder.WriteText("net.cfg", cfg);
        Model model = new DarknetFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);
        Randomize(model, seed);
        return model;
    }

    /// <summary>Seeded random weights: filters ~ U(±√(3/fan-in)), BN scale in [0.5, 1.5], shift and mean in ±0.3, variance in [0.5, 1.5].</summary>
    public static void Randomize(Model model, int seed)
    {
        var random = new Random(seed);
        Graph graph = model.Graph;
        foreach (Node node in graph.Nodes)
        {
            for (int i = 1; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length == 0 || !graph.Initializers.TryGetValue(node.Inputs[i], out TensorData? tensor) || tensor.DataType != DataType.Float32)
                {
                    continue;
                }

                Span<float> values = tensor.AsSpan<float>();
                (float low, float high) = (node.OpType, i) switch
                {
                    ("BatchNormalization", 1) => (0.5f, 1.5f),
                    ("BatchNormalization", 4) => (0.5f, 1.5f),
                    ("BatchNormalization", _) => (-0.3f, 0.3f),
                    (_, 1) when tensor.Shape.Rank >= 2 => Bound(tensor.Shape),
                    _ => (-0.3f, 0.3f),
                };
                for (int k = 0; k < values.Length; k++)
                {
                    values[k] = low + ((high - low) * random.NextSingle());
                }
            }
        }
    }

    private static (float, float) Bound(TensorShape w)
    {
        float fanIn = w.ElementCount / (float)w[0];
        float b = MathF.Sqrt(3f / fanIn);
        return (-b, b);
    }

    /// <summary>A seeded random plan: in every prunable group about half the channels of each equal part survive.</summary>
    public static PruningPlan RandomPlan(IReadOnlyList<PruningGroup> groups, int seed, double keep = 0.5)
    {
        var random = new Random(seed);
        var entries = new List<KeyValuePair<string, (int, int[])>>();
        foreach (PruningGroup group in groups.Where(g => g.IsPrunable))
        {
            int part = group.ChannelCount / group.Segments;
            int kept = Math.Max(1, (int)Math.Round(part * keep));
            var indices = new List<int>();
            for (int s = 0; s < group.Segments; s++)
            {
                indices.AddRange(Enumerable.Range(s * part, part).OrderBy(_ => random.Next()).Take(kept));
            }

            entries.Add(new(group.Id, (group.ChannelCount, [.. indices])));
        }

        return new PruningPlan(entries);
    }

    /// <summary>A seeded random input for the model's first input.</summary>
    public static Dictionary<string, TensorData> RandomInput(Model model, int seed)
    {
        var random = new Random(seed);
        ValueInfo input = model.Graph.Inputs[0];
        float[] x = new float[input.Shape.ElementCount];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextSingle();
        }

        return new Dictionary<string, TensorData>(StringComparer.Ordinal) { [input.Name] = TensorData.Create(input.Shape, x) };
    }

    /// <summary>Runs a model and returns its outputs and the input of its final Softmax (which can saturate).</summary>
    public static IReadOnlyDictionary<string, TensorData> Run(Model model, Dictionary<string, TensorData> inputs)
    {
        var values = model.Graph.Outputs.Concat(model.Graph.Nodes.Where(n => n.OpType == "Softmax").Select(n => n.Inputs[0])).Distinct().ToList();
        return new InferenceSession(model, new InferenceSessionOptions { KeepAlive = values }).Run(inputs, values);
    }

    /// <summary>The names <see cref="Run"/> returns.</summary>
    public static IEnumerable<string> Compared(Model model) =>
        model.Graph.Outputs.Concat(model.Graph.Nodes.Where(n => n.OpType == "Softmax").Select(n => n.Inputs[0])).Distinct();

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeMaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double diff = 0, scale = 1e-12;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return diff / scale;
    }
}
