using System.Collections.Immutable;
using Converters.Ir;
using Converters.Ir.Schemas;
using Converters.Ir.Statistics;
using Converters.Ir.Verification;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;

namespace Converters.Pruning.Transform;

/// <summary>
/// Applies a plan by removing the pruned channels: the masked model (<see cref="MaskApplication"/>,
/// whose constants are already folded) with every pruned entry cut out of its weights, biases,
/// BN parameters, consumer input channels and fully connected columns; depthwise convolutions'
/// <c>group</c>, channel slices (route groups), splits and flattening reshapes follow. The result
/// passes the verifier and computes what the masked model computes.
/// </summary>
public static class SlimTransform
{
    /// <summary>Applies <paramref name="plan"/> to a copy of <paramref name="model"/>.</summary>
    /// <exception cref="PruningPlanException">The plan does not fit the groups.</exception>
    public static Model Apply(Model model, IReadOnlyList<PruningGroup> groups, PruningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        RemovedEntries removed = RemovedEntries.Collect(groups, plan);
        Model slim = MaskApplication.Apply(model, groups, plan).Model;
        Graph graph = slim.Graph;
        if (removed.Removed.Count == 0)
        {
            return slim;
        }

        foreach (Node node in graph.Nodes)
        {
            UpdateAttributes(graph, node, removed);
        }

        foreach (var (tensor, axis) in removed.Axes.ToList())
        {
            if (graph.Initializers.TryGetValue(tensor, out TensorData? data))
            {
                graph.Initializers[tensor] = Drop(data, axis, removed.Of(tensor, axis));
            }
        }

        var inputs = graph.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in graph.ValueInfos.Keys.Where(k => !inputs.Contains(k)).ToList())
        {
            graph.ValueInfos.Remove(name);
        }

        ShapeInference.Run(graph);
        GraphVerifier.VerifyOrThrow(graph);
        return slim;
    }

    /// <summary>Predicts the slim model's parameters and MACs from the plan, without transforming.</summary>
    /// <exception cref="PruningPlanException">The plan does not fit the groups.</exception>
    public static PlanCost Predict(Model model, IReadOnlyList<PruningGroup> groups, PruningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        RemovedEntries removed = RemovedEntries.Collect(groups, plan);
        Graph graph = model.Graph;
        ModelStatistics stats = ModelStatistics.Compute(graph);
        long parameters = 0, stored = 0, macs = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeStatistics row in stats.Nodes)
        {
            Node node = row.Node;
            OpSchema? schema = OpSchemaRegistry.Default.Find(node.OpType, node.Domain);
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length > 0 && graph.Initializers.TryGetValue(node.Inputs[i], out TensorData? tensor) && counted.Add(node.Inputs[i]))
                {
                    long kept = KeptElements(tensor, node.Inputs[i], removed);
                    stored += kept;
                    if (schema?.InputAt(i)?.Role != InputRole.Statistic)
                    {
                        parameters += kept;
                    }
                }
            }

            if (row.Macs > 0 && node.Inputs.Count > 1 && graph.Initializers.TryGetValue(node.Inputs[1], out TensorData? weight))
            {
                // Convolution, deconvolution and Gemm MACs are (weight elements) x (positions it slides over).
                macs += row.Macs / weight.ElementCount * KeptElements(weight, node.Inputs[1], removed);
            }
            else
            {
                macs += row.Macs;
            }
        }

        return new PlanCost(parameters, stored, macs);
    }

    private static long KeptElements(TensorData tensor, string name, RemovedEntries removed)
    {
        long count = 1;
        for (int axis = 0; axis < tensor.Shape.Rank; axis++)
        {
            count *= tensor.Shape[axis] - removed.Of(name, axis).Count;
        }

        return tensor.Shape.Rank == 0 ? 1 : count;
    }

    private static void UpdateAttributes(Graph graph, Node node, RemovedEntries removed)
    {
        switch (node.OpType)
        {
            case "Conv":
                {
                    TensorShape w = graph.Initializers[node.Inputs[1]].Shape;
                    long group = MaskApplication.IntAttribute(node, "group", 1);
                    if (group > 1 && w[1] == 1 && group == w[0])
                    {
                        // Depthwise: one group per remaining channel.
                        node.Attributes["group"] = AttributeValue.FromInt(w[0] - removed.Of(node.Inputs[1], 0).Count);
                    }

                    break;
                }

            case "Slice":
                {
                    TensorShape x = graph.FindValue(node.Inputs[0])!.Shape;
                    var axes = node.Attributes["axes"].AsInts();
                    int at = axes.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToList().IndexOf(1);
                    IReadOnlySet<int> gone = removed.Of(node.Inputs[0], 1);
                    if (at < 0 || gone.Count == 0)
                    {
                        break;
                    }

                    int channels = x[1];
                    int start = Clamp(node.Attributes["starts"].AsInts()[at], channels);
                    int end = Clamp(node.Attributes["ends"].AsInts()[at], channels);
                    node.Attributes["starts"] = AttributeValue.FromInts(node.Attributes["starts"].AsInts().SetItem(at, start - gone.Count(i => i < start)));
                    node.Attributes["ends"] = AttributeValue.FromInts(node.Attributes["ends"].AsInts().SetItem(at, end - gone.Count(i => i < end)));
                    break;
                }

            case "Split":
                {
                    TensorShape x = graph.FindValue(node.Inputs[0])!.Shape;
                    long axis = MaskApplication.IntAttribute(node, "axis", 1);
                    IReadOnlySet<int> gone = removed.Of(node.Inputs[0], 1);
                    if ((axis < 0 ? axis + x.Rank : axis) != 1 || gone.Count == 0)
                    {
                        break;
                    }

                    var sizes = new List<long>();
                    int start = 0;
                    foreach (string output in node.Outputs)
                    {
                        int size = graph.FindValue(output)!.Shape[1];
                        sizes.Add(size - gone.Count(i => i >= start && i < start + size));
                        start += size;
                    }

                    node.Attributes["split"] = AttributeValue.FromInts(sizes);
                    break;
                }

            case "Reshape":
                {
                    TensorShape y = graph.FindValue(node.Outputs[0])!.Shape;
                    IReadOnlySet<int> gone = removed.Of(node.Outputs[0], 1);
                    ImmutableArray<long> shape = node.Attributes["shape"].AsInts();
                    if (gone.Count > 0 && shape.Length == 2 && shape[1] == y[1])
                    {
                        node.Attributes["shape"] = AttributeValue.FromInts(shape.SetItem(1, y[1] - gone.Count));
                    }

                    break;
                }
        }
    }

    private static int Clamp(long value, int size) => (int)Math.Clamp(value < 0 ? value + size : value, 0, size);

    /// <summary>A copy of a tensor without the given entries along an axis.</summary>
    private static TensorData Drop(TensorData data, int axis, IReadOnlySet<int> entries)
    {
        var (outer, size, inner) = MaskApplication.Split(data.Shape, axis);
        int kept = size - entries.Count;
        int elementSize = (int)(data.ByteCount / Math.Max(1, data.ElementCount));
        ReadOnlySpan<byte> source = data.AsBytes();
        var target = new byte[(long)outer * kept * inner * elementSize];
        int at = 0;
        int run = inner * elementSize;
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < size; j++)
            {
                if (!entries.Contains(j))
                {
                    source.Slice(((o * size) + j) * run, run).CopyTo(target.AsSpan(at, run));
                    at += run;
                }
            }
        }

        return TensorData.FromBytes(data.DataType, data.Shape.With(axis, kept), target);
    }
}
