using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;

namespace Converters.Engine.Execution;

/// <summary>
/// Builds a <see cref="Plan"/>: numbers the values, compiles every node, then assigns each
/// computed value a slot (a float buffer) by a linear scan over lifetimes (see docs/engine.md).
/// </summary>
internal sealed class PlanBuilder : IValueNumbering
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<float[]?> _constants = [];

    private PlanBuilder(Graph graph, int maxThreads)
    {
        Graph = graph;
        MaxThreads = maxThreads;
    }

    public Graph Graph { get; }

    public int MaxThreads { get; }

    public int ValueId(string name)
    {
        if (_ids.TryGetValue(name, out int id))
        {
            return id;
        }

        id = _names.Count;
        _ids[name] = id;
        _names.Add(name);
        _constants.Add(Graph.Initializers.TryGetValue(name, out TensorData? t) ? ToFloat(name, t) : null);
        return id;
    }

    public TensorShape Shape(string name) => Graph.FindValue(name)?.Shape
        ?? throw new IrValidationException($"value '{name}' has no shape");

    private static float[] ToFloat(string name, TensorData t) => t.DataType == DataType.Float32
        ? t.AsSpan<float>().ToArray()
        : throw new IrValidationException($"initializer '{name}' is {DataTypeInfo.Name(t.DataType)}; the engine computes in float32 only");

    /// <summary>Infers shapes for <paramref name="graph"/> (a private copy) and builds its plan, keeping <paramref name="keep"/> alive.</summary>
    public static Plan Build(Graph graph, IReadOnlyCollection<string> keep, int maxThreads)
    {
        ShapeInference.Run(graph);
        foreach (ValueInfo info in graph.ValueInfos.Values)
        {
            if (info.DataType != DataType.Float32)
            {
                throw new IrValidationException($"value '{info.Name}' is {DataTypeInfo.Name(info.DataType)}; the engine computes in float32 only");
            }
        }

        var builder = new PlanBuilder(graph, maxThreads);
        int[] inputIds = [.. graph.Inputs.Select(i => builder.ValueId(i.Name))];
        var keepSet = new HashSet<string>(keep, StringComparer.Ordinal);
        var readers = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (Node node in graph.Nodes)
        {
            foreach (string input in node.Inputs.Where(n => n.Length > 0).Distinct())
            {
                if (!readers.TryGetValue(input, out List<Node>? list))
                {
                    readers[input] = list = [];
                }

                list.Add(node);
            }
        }

        var fusedAway = new HashSet<Node>();
        var steps = new List<Step>();
        foreach (Node node in graph.Nodes)
        {
            if (fusedAway.Contains(node))
            {
                continue;
            }

            OpSchema schema = OpSchemaRegistry.Default.Find(node.OpType, node.Domain)
                ?? throw new IrValidationException($"{node.OpType} '{node.Name}': no schema for this op") { NodeName = node.Name, OpType = node.OpType };
            var context = new NodeContext(builder, node, schema);
            if (node.OpType == "Conv" && node.Domain.Length == 0)
            {
                // Fold a following BatchNormalization into the weights and apply a following
                // Relu/LeakyRelu on the conv output, when nothing else reads the intermediate values.
                Node? bn = SoleReader(node.Outputs[0], "BatchNormalization");
                if (bn is not null && !bn.Inputs.Skip(1).All(graph.Initializers.ContainsKey))
                {
                    bn = null;
                }

                string last = bn?.Outputs[0] ?? node.Outputs[0];
                Node? act = SoleReader(last, "LeakyRelu") ?? SoleReader(last, "Relu");
                if (bn is not null || act is not null)
                {
                    NodeContext? bnContext = bn is null ? null : new NodeContext(builder, bn, OpSchemaRegistry.Default.Find(bn.OpType)!);
                    float alpha = act is null ? float.NaN : act.OpType == "Relu" ? 0f : new NodeContext(builder, act, OpSchemaRegistry.Default.Find(act.OpType)!).Float("alpha");
                    string output = act?.Outputs[0] ?? last;
                    steps.Add(new Step(KernelFactory.FusedConv(context, bnContext, alpha, output), [.. node.Inputs], [output]));
                    fusedAway.UnionWith(new[] { bn, act }.OfType<Node>());
                    continue;
                }
            }

            steps.Add(new Step(KernelFactory.Create(context), [.. node.Inputs], [.. node.Outputs]));
        }

        return builder.Assign(inputIds, steps, keep);

        Node? SoleReader(string value, string opType)
        {
            if (keepSet.Contains(value) || !readers.TryGetValue(value, out List<Node>? list) || list.Count != 1)
            {
                return null;
            }

            Node reader = list[0];
            return reader.OpType == opType && reader.Domain.Length == 0 && reader.Inputs[0] == value && reader.Inputs.Count(i => i == value) == 1 ? reader : null;
        }
    }

    /// <summary>One compiled kernel with the values it reads and writes.</summary>
    private sealed record Step(OpKernel Kernel, string[] Reads, string[] Writes);

    private Plan Assign(int[] inputIds, List<Step> steps, IReadOnlyCollection<string> keep)
    {
        int count = _names.Count;
        var def = new int[count];
        var lastUse = new int[count];
        Array.Fill(def, int.MinValue);
        foreach (int id in inputIds)
        {
            def[id] = -1;
            lastUse[id] = -1;
        }

        for (int i = 0; i < steps.Count; i++)
        {
            foreach (string input in steps[i].Reads)
            {
                if (input.Length > 0 && _ids.TryGetValue(input, out int id))
                {
                    lastUse[id] = Math.Max(lastUse[id], i);
                }
            }

            foreach (string output in steps[i].Writes)
            {
                int id = _ids[output];
                def[id] = i;
                lastUse[id] = Math.Max(lastUse[id], i);
            }
        }

        foreach (string name in keep)
        {
            if (_ids.TryGetValue(name, out int id))
            {
                lastUse[id] = int.MaxValue;
            }
        }

        // Linear scan: at step t (-1 = the graph inputs) bind the values defined at t to free slots
        // (best fit, else grow the largest free slot, else a new slot), then free the values last used at t.
        var slotSize = new List<long>();
        var free = new List<int>();
        var slotOf = new int[count];
        Array.Fill(slotOf, -1);
        var byDef = Enumerable.Range(0, count).Where(v => _constants[v] is null && def[v] != int.MinValue).GroupBy(v => def[v]).ToDictionary(g => g.Key, g => g.ToList());
        var byLast = Enumerable.Range(0, count).Where(v => _constants[v] is null && def[v] != int.MinValue && lastUse[v] != int.MaxValue).GroupBy(v => lastUse[v]).ToDictionary(g => g.Key, g => g.ToList());
        for (int t = -1; t < steps.Count; t++)
        {
            if (byDef.TryGetValue(t, out List<int>? defined))
            {
                foreach (int v in defined)
                {
                    long need = Math.Max(1, Shape(_names[v]).ElementCount);
                    int best = -1;
                    foreach (int s in free)
                    {
                        if (slotSize[s] >= need && (best < 0 || slotSize[s] < slotSize[best]))
                        {
                            best = s;
                        }
                    }

                    if (best < 0 && free.Count > 0)
                    {
                        best = free.MaxBy(s => slotSize[s]);
                        slotSize[best] = need;
                    }

                    if (best < 0)
                    {
                        best = slotSize.Count;
                        slotSize.Add(need);
                    }
                    else
                    {
                        free.Remove(best);
                    }

                    slotOf[v] = best;
                }
            }

            if (byLast.TryGetValue(t, out List<int>? dying))
            {
                free.AddRange(dying.Select(v => slotOf[v]));
            }
        }

        float[][] slots = [.. slotSize.Select(s => new float[checked((int)s)])];
        var values = new float[count][];
        for (int v = 0; v < count; v++)
        {
            values[v] = _constants[v] ?? (slotOf[v] >= 0 ? slots[slotOf[v]] : []);
        }

        var index = new Dictionary<string, int>(_ids, StringComparer.Ordinal);
        return new Plan(Graph, values, [.. steps.Select(s => s.Kernel)], inputIds, index, slotSize.Sum() * sizeof(float));
    }
}

/// <summary>A compiled graph for one batch size: value buffers (slots shared by values with disjoint lifetimes) and kernels in order.</summary>
internal sealed class Plan(Graph graph, float[][] values, OpKernel[] kernels, int[] inputIds, Dictionary<string, int> index, long arenaBytes)
{
    public Graph Graph { get; } = graph;

    public float[][] Values { get; } = values;

    public OpKernel[] Kernels { get; } = kernels;

    public int[] InputIds { get; } = inputIds;

    public Dictionary<string, int> Index { get; } = index;

    public long ArenaBytes { get; } = arenaBytes;
}
