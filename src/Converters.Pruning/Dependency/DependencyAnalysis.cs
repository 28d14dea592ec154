using System.Globalization;
using Converters.Ir;
using Converters.Ir.Schemas;

namespace Converters.Pruning.Dependency;

/// <summary>
/// Finds the groups of channels that must be pruned together. Every Conv/Gemm/ConvTranspose output
/// is a <em>source</em> of channels; walking the graph in order, each value's channel axis is
/// described as runs of sources (<see cref="ChannelSegment"/>): elementwise ops, normalisation,
/// activations, pooling and upsampling pass the runs through, concatenation appends them, slices
/// cut them, flatten widens them into blocks; additions between computed tensors (residual add,
/// Darknet shortcut, squeeze-excite scaling) join the sources into one group. Whatever the analysis
/// cannot follow exactly fixes the sources involved, with the reason, so a plan can never touch them.
/// </summary>
public static partial class DependencyAnalysis
{
    /// <summary>Analyses a model (its shapes are inferred first) and returns its groups in graph order.</summary>
    /// <exception cref="Ir.Diagnostics.IrValidationException">Shape inference fails.</exception>
    public static IReadOnlyList<PruningGroup> Analyze(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ShapeInference.Run(model.Graph);
        var walk = new Walk(model.Graph);
        walk.Run();
        return walk.BuildGroups();
    }

    /// <summary>One analysis: the sources, their union-find and the runs of every value.</summary>
    private sealed partial class Walk(Graph graph)
    {
        private readonly List<Source> _sources = [];
        private readonly Dictionary<string, ChannelSegment[]> _runs = new(StringComparer.Ordinal);
        private readonly OpSchemaRegistry _registry = OpSchemaRegistry.Default;

        public void Run()
        {
            foreach (Node node in graph.Nodes)
            {
                Visit(node);
            }

            foreach (string output in graph.Outputs)
            {
                Fix(Runs(output), $"reaches the graph output '{output}'");
            }
        }

        public List<PruningGroup> BuildGroups()
        {
            var members = new Dictionary<int, List<Source>>();
            foreach (Source source in _sources)
            {
                int root = Find(source.Id);
                if (!members.TryGetValue(root, out List<Source>? list))
                {
                    members[root] = list = [];
                }

                list.Add(source);
            }

            var groups = new List<PruningGroup>();
            foreach (List<Source> list in members.Values.OrderBy(l => l.Min(s => s.Id)))
            {
                Source first = list.MinBy(s => s.Id)!;
                int channels = first.Channels;
                int segments = list.Aggregate(1, (acc, s) => Lcm(acc, s.Segments));
                string? reason = list.Select(s => s.FixedReason).FirstOrDefault(r => r is not null);
                if (reason is null && channels % segments != 0)
                {
                    reason = string.Create(CultureInfo.InvariantCulture, $"its {channels} channels cannot be split into the {segments} equal parts its slices and groups need");
                }

                if (reason is null && channels < 2)
                {
                    reason = "a single channel cannot be pruned";
                }

                var slots = list.SelectMany(s => s.Slots).ToList();
                groups.Add(new PruningGroup(
                    first.Producer.Name,
                    Describe(list, slots),
                    channels,
                    slots,
                    reason is null ? segments : 1,
                    reason));
            }

            return groups;
        }

        private static string Describe(List<Source> sources, List<ChannelSlot> slots)
        {
            string producers = string.Join(", ", sources.Select(s => s.Producer.Name));
            var through = slots.Where(s => s.Kind == SlotKind.PerChannel).Select(s => s.NodeName).Distinct(StringComparer.Ordinal).ToList();
            var consumers = slots.Where(s => s.Kind == SlotKind.Consumer).Select(s => s.NodeName).Distinct(StringComparer.Ordinal).ToList();
            string text = producers;
            if (through.Count > 0)
            {
                text += $" (+{string.Join(", ", through.Take(4))}{(through.Count > 4 ? ", …" : string.Empty)})";
            }

            return consumers.Count == 0 ? text : $"{text} → {string.Join(", ", consumers.Take(4))}{(consumers.Count > 4 ? ", …" : string.Empty)}";
        }

        /// <summary>The runs of a value; an untracked value (graph input, initializer, unknown op) is one untracked run.</summary>
        private ChannelSegment[] Runs(string value)
        {
            if (_runs.TryGetValue(value, out ChannelSegment[]? runs))
            {
                return runs;
            }

            TensorShape? shape = Shape(value);
            int channels = shape is { Rank: >= 2 } ? shape[1] : 1;
            return [new ChannelSegment(-1, 0, channels, 1)];
        }

        private TensorShape? Shape(string value) =>
            graph.Initializers.TryGetValue(value, out TensorData? tensor) ? tensor.Shape : graph.FindValue(value)?.Shape;

        private bool IsInitializer(string value) => graph.Initializers.ContainsKey(value);

        private Source NewSource(Node producer, int channels)
        {
            var source = new Source(_sources.Count, producer, channels);
            _sources.Add(source);
            _parent.Add(source.Id);
            return source;
        }

        /// <summary>Records the value's runs and an activation slot for each tracked run.</summary>
        private void SetRuns(Node node, string value, ChannelSegment[] runs)
        {
            _runs[value] = runs;
            int position = 0;
            foreach (ChannelSegment run in runs)
            {
                if (run.IsTracked)
                {
                    _sources[run.Source].Slots.Add(new ChannelSlot(SlotKind.Activation, node.Name, -1, value, 1, position, run.Block, run.First, run.Count));
                }

                position += run.Length;
            }
        }

        /// <summary>Adds a slot for each tracked run of <paramref name="runs"/> along an axis of a parameter.</summary>
        private void AddSlots(ChannelSegment[] runs, SlotKind kind, Node node, int inputIndex, int axis, int offset = 0)
        {
            string tensor = node.Inputs[inputIndex];
            int position = offset;
            foreach (ChannelSegment run in runs)
            {
                if (run.IsTracked)
                {
                    _sources[run.Source].Slots.Add(new ChannelSlot(kind, node.Name, inputIndex, tensor, axis, position, run.Block, run.First, run.Count));
                }

                position += run.Length;
            }
        }

        private void Fix(IEnumerable<ChannelSegment> runs, string reason)
        {
            foreach (ChannelSegment run in runs)
            {
                if (run.IsTracked)
                {
                    Source source = _sources[run.Source];
                    source.FixedReason ??= reason;
                }
            }
        }

        private void Fix(Node node, string reason)
        {
            foreach (string input in node.Inputs.Where(i => i.Length > 0 && !IsInitializer(i)))
            {
                Fix(Runs(input), reason);
            }
        }

        private static int Total(ChannelSegment[] runs) => runs.Sum(r => r.Length);

        private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

        private static int Lcm(int a, int b) => a / Gcd(a, b) * b;

        /// <summary>A source of channels: one producer's outputs.</summary>
        private sealed class Source(int id, Node producer, int channels)
        {
            public int Id { get; } = id;

            public Node Producer { get; } = producer;

            public int Channels { get; } = channels;

            public int Segments { get; set; } = 1;

            public string? FixedReason { get; set; }

            public List<ChannelSlot> Slots { get; } = [];
        }
    }
}
