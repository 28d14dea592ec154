using Converters.Ir.Schemas;

namespace Converters.Ir.Statistics;

/// <summary>
/// Per-node and total parameter and multiply-accumulate (MAC) counts of a graph. An initializer
/// shared by several nodes is counted once, at its first user. BN running statistics are stored
/// but not trainable, so <see cref="TotalParameters"/> leaves them out and <see cref="TotalStoredValues"/>
/// counts them.
/// </summary>
public sealed class ModelStatistics
{
    private ModelStatistics(IReadOnlyList<NodeStatistics> nodes)
    {
        Nodes = nodes;
        TotalParameters = nodes.Sum(n => n.Parameters);
        TotalStoredValues = nodes.Sum(n => n.StoredValues);
        TotalMacs = nodes.Sum(n => n.Macs);
    }

    /// <summary>One row per node, in graph order.</summary>
    public IReadOnlyList<NodeStatistics> Nodes { get; }

    /// <summary>All trainable values.</summary>
    public long TotalParameters { get; }

    /// <summary>All stored values (trainable plus statistics).</summary>
    public long TotalStoredValues { get; }

    /// <summary>All multiply-accumulates of one forward pass at the graph's input shapes.</summary>
    public long TotalMacs { get; }

    /// <summary>Runs shape inference and counts every node of <paramref name="graph"/>.</summary>
    /// <exception cref="Diagnostics.IrValidationException">Shape inference fails.</exception>
    public static ModelStatistics Compute(Graph graph, OpSchemaRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        registry ??= OpSchemaRegistry.Default;
        ShapeInference.Run(graph, registry);

        var known = new Dictionary<string, ValueInfo>(graph.ValueInfos, StringComparer.Ordinal);
        foreach ((string name, TensorData tensor) in graph.Initializers)
        {
            known.TryAdd(name, new ValueInfo(name, tensor.DataType, tensor.Shape));
        }

        var counted = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<NodeStatistics>(graph.Nodes.Count);
        for (int index = 0; index < graph.Nodes.Count; index++)
        {
            Node node = graph.Nodes[index];
            OpSchema schema = registry.Find(node.OpType, node.Domain)!;
            long parameters = 0;
            long stored = 0;
            var inputShapes = new List<TensorShape>();
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                string name = node.Inputs[i];
                if (name.Length == 0)
                {
                    continue;
                }

                if (graph.Initializers.TryGetValue(name, out TensorData? tensor))
                {
                    if (counted.Add(name))
                    {
                        stored += tensor.ElementCount;
                        if (schema.InputAt(i)?.Role != InputRole.Statistic)
                        {
                            parameters += tensor.ElementCount;
                        }
                    }
                }
                else
                {
                    inputShapes.Add(known[name].Shape);
                }
            }

            long macs = 0;
            if (schema.CountMacs is { } counter)
            {
                InferenceContext context = ShapeInference.Infer(graph, node, registry, known);
                macs = counter(context);
            }

            TensorShape[] outputShapes = [.. node.Outputs.Select(o => known[o].Shape)];
            rows.Add(new NodeStatistics(index, node, inputShapes, outputShapes, parameters, stored, macs));
        }

        return new ModelStatistics(rows);
    }
}
