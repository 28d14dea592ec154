using Converters.Engine;
using Converters.Ir;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;

namespace Converters.Pruning.Transform;

/// <summary>
/// Applies a plan as masks. A pruned channel is switched off the way the slim transform removes it,
/// so the masked and the slim model compute the same function:
/// <list type="number">
/// <item>its producers' filters (rows and bias entries) are zeroed, which leaves the channel a
/// constant — <c>act(β − γ·μ/σ)</c> after BN, the bias after a plain conv — carried on through
/// activations, pooling, upsampling and residual adds;</item>
/// <item>that constant, read from a forward pass of the zeroed model, is folded into every layer that
/// reads the channel: the consumer convolution's (or fully connected layer's) bias, or — when the
/// consumer has no bias and feeds a BatchNormalization — that BN's running mean;</item>
/// <item>the consumers' weights for the channel are zeroed.</item>
/// </list>
/// The fold is exact in the interior of a feature map; at the border of a padded consumer the
/// original model saw zero padding next to the constant, so there the pruned model (masked or slim)
/// differs from the unpruned one by the border taps of the constant — as in network slimming's
/// YOLOv3 tools. Masked and slim models agree everywhere.
/// </summary>
public static class MaskApplication
{
    /// <summary>Applies <paramref name="plan"/> to a copy of <paramref name="model"/>.</summary>
    /// <exception cref="PruningPlanException">The plan does not fit the groups.</exception>
    public static MaskedModel Apply(Model model, IReadOnlyList<PruningGroup> groups, PruningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(plan);
        RemovedEntries removed = RemovedEntries.Collect(groups, plan);
        Model copy = ModelCopy.Clone(model);
        Graph graph = copy.Graph;
        var masks = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (removed.Removed.Count == 0)
        {
            return new MaskedModel(copy, masks);
        }

        // 1. Producers off.
        foreach (var (tensor, axis) in removed.Axes.ToList())
        {
            if (removed.Removed.Any(r => r.Slot.Kind == SlotKind.Producer && r.Slot.TensorName == tensor && r.Slot.Axis == axis))
            {
                Zero(graph, tensor, axis, removed.Of(tensor, axis), masks);
            }
        }

        // 2. The constants the switched-off channels leave, where consumers read them.
        var consumerSlots = removed.Removed.Where(r => r.Slot.Kind == SlotKind.Consumer).ToList();
        if (consumerSlots.Count > 0)
        {
            var readValues = consumerSlots.Select(r => ConsumerInput(graph, r.Slot)).Distinct(StringComparer.Ordinal).ToList();
            IReadOnlyDictionary<string, TensorData> values = Constants(copy, readValues);
            var deltas = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var (slot, channel) in consumerSlots)
            {
                Node consumer = graph.Nodes.First(n => n.Name == slot.NodeName);
                double[] delta = Delta(deltas, consumer, graph);
                Accumulate(consumer, graph, slot, channel, values[ConsumerInput(graph, slot)], delta);
            }

            foreach (var (name, delta) in deltas)
            {
                Fold(graph, graph.Nodes.First(n => n.Name == name), delta);
            }

            // 3. Consumers stop reading them.
            foreach (var (tensor, axis) in removed.Axes.ToList())
            {
                if (consumerSlots.Any(r => r.Slot.TensorName == tensor && r.Slot.Axis == axis))
                {
                    Zero(graph, tensor, axis, removed.Of(tensor, axis), masks);
                }
            }
        }

        return new MaskedModel(copy, masks);
    }

    private static string ConsumerInput(Graph graph, ChannelSlot slot) => graph.Nodes.First(n => n.Name == slot.NodeName).Inputs[0];

    /// <summary>Runs the model (producers already zeroed) on zeros and keeps the values consumers read.</summary>
    private static IReadOnlyDictionary<string, TensorData> Constants(Model model, List<string> values)
    {
        var session = new InferenceSession(model, new InferenceSessionOptions { KeepAlive = values });
        var inputs = model.Graph.Inputs.ToDictionary(i => i.Name, i => TensorData.Zeros(i.DataType, i.Shape), StringComparer.Ordinal);
        return session.Run(inputs, values);
    }

    private static double[] Delta(Dictionary<string, double[]> deltas, Node consumer, Graph graph)
    {
        if (!deltas.TryGetValue(consumer.Name, out double[]? delta))
        {
            deltas[consumer.Name] = delta = new double[Outputs(consumer, graph)];
        }

        return delta;
    }

    private static int Outputs(Node consumer, Graph graph)
    {
        TensorShape w = graph.Initializers[consumer.Inputs[1]].Shape;
        return consumer.OpType == "Gemm" && IntAttribute(consumer, "transB", 0) == 0 ? w[1] : w[0];
    }

    /// <summary>Adds a removed channel's contribution to each output of its consumer.</summary>
    private static void Accumulate(Node consumer, Graph graph, ChannelSlot slot, int channel, TensorData value, double[] delta)
    {
        Range range = slot.IndicesOf(channel)!.Value;
        TensorData weight = graph.Initializers[slot.TensorName];
        ReadOnlySpan<float> w = weight.AsSpan<float>();
        ReadOnlySpan<float> v = value.AsSpan<float>();
        TensorShape shape = value.Shape;
        if (consumer.OpType == "Conv")
        {
            // The constant at the centre of the feature map (the interior value).
            int h = shape.Rank > 2 ? shape[2] : 1, wd = shape.Rank > 3 ? shape[3] : 1;
            int plane = h * wd;
            int kernel = (int)(weight.ElementCount / (weight.Shape[0] * weight.Shape[1]));
            for (int entry = range.Start.Value; entry < range.End.Value; entry++)
            {
                double c = v[(entry * plane) + ((h / 2) * wd) + (wd / 2)];
                for (int o = 0; o < delta.Length; o++)
                {
                    int at = ((o * weight.Shape[1]) + entry) * kernel;
                    double sum = 0;
                    for (int k = 0; k < kernel; k++)
                    {
                        sum += w[at + k];
                    }

                    delta[o] += c * sum;
                }
            }

            return;
        }

        // Gemm: A is [batch, features]; every column of the channel's block has its own constant.
        double alpha = consumer.Attributes.TryGetValue("alpha", out AttributeValue? a) ? a.AsFloat() : 1.0;
        bool transB = IntAttribute(consumer, "transB", 0) != 0;
        int columns = weight.Shape[transB ? 1 : 0];
        for (int entry = range.Start.Value; entry < range.End.Value; entry++)
        {
            double c = v[entry] * alpha;
            for (int o = 0; o < delta.Length; o++)
            {
                delta[o] += c * w[transB ? (o * columns) + entry : (entry * delta.Length) + o];
            }
        }
    }

    /// <summary>Folds a consumer's constant input into its bias, or into the running mean of the BN it feeds.</summary>
    private static void Fold(Graph graph, Node consumer, double[] delta)
    {
        if (delta.All(d => d == 0))
        {
            return;
        }

        bool hasBias = consumer.Inputs.Count > 2 && consumer.Inputs[2].Length > 0;
        if (hasBias && graph.Initializers.TryGetValue(consumer.Inputs[2], out TensorData? bias) && bias.ElementCount == delta.Length)
        {
            double beta = consumer.OpType == "Gemm" && consumer.Attributes.TryGetValue("beta", out AttributeValue? b) ? b.AsFloat() : 1.0;
            Span<float> values = bias.AsSpan<float>();
            for (int o = 0; o < delta.Length; o++)
            {
                values[o] = (float)(values[o] + (delta[o] / beta));
            }

            return;
        }

        if (!hasBias && consumer.OpType == "Conv" && SoleBatchNorm(graph, consumer.Outputs[0]) is Node bn)
        {
            Span<float> mean = graph.Initializers[bn.Inputs[3]].AsSpan<float>();
            for (int o = 0; o < delta.Length; o++)
            {
                mean[o] = (float)(mean[o] - delta[o]);
            }

            return;
        }

        if (hasBias)
        {
            throw new InvalidOperationException($"'{consumer.Name}': its bias is not one value per output, so a pruned channel's constant cannot be folded into it.");
        }

        string name = UniqueName(graph, $"{consumer.Name}.folded_bias");
        graph.Initializers[name] = TensorData.Create(TensorShape.Of(delta.Length), delta.Select(d => (float)d).ToArray());
        if (consumer.OpType == "Gemm")
        {
            consumer.Attributes["beta"] = AttributeValue.FromFloat(1.0);
        }

        while (consumer.Inputs.Count < 2)
        {
            consumer.Inputs.Add(string.Empty);
        }

        if (consumer.Inputs.Count == 2)
        {
            consumer.Inputs.Add(name);
        }
        else
        {
            consumer.Inputs[2] = name;
        }
    }

    private static Node? SoleBatchNorm(Graph graph, string value)
    {
        if (graph.Outputs.Contains(value))
        {
            return null;
        }

        var readers = graph.FindConsumers(value).ToList();
        return readers is [{ OpType: "BatchNormalization" } bn] && bn.Inputs[0] == value && graph.Initializers.ContainsKey(bn.Inputs[3]) ? bn : null;
    }

    private static string UniqueName(Graph graph, string name)
    {
        string candidate = name;
        for (int i = 1; graph.Initializers.ContainsKey(candidate) || graph.FindValue(candidate) is not null; i++)
        {
            candidate = $"{name}.{i}";
        }

        return candidate;
    }

    /// <summary>Zeroes the given entries along an axis of an initializer and records them in its mask.</summary>
    internal static void Zero(Graph graph, string tensor, int axis, IReadOnlySet<int> entries, Dictionary<string, float[]> masks)
    {
        TensorData data = graph.Initializers[tensor];
        Span<float> values = data.AsSpan<float>();
        if (!masks.TryGetValue(tensor, out float[]? mask))
        {
            masks[tensor] = mask = new float[values.Length];
            mask.AsSpan().Fill(1f);
        }

        var (outer, size, inner) = Split(data.Shape, axis);
        for (int o = 0; o < outer; o++)
        {
            foreach (int j in entries)
            {
                int at = ((o * size) + j) * inner;
                values.Slice(at, inner).Clear();
                mask.AsSpan(at, inner).Clear();
            }
        }
    }

    /// <summary>A shape seen as [outer, size, inner] around an axis.</summary>
    internal static (int Outer, int Size, int Inner) Split(TensorShape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        for (int d = axis + 1; d < shape.Rank; d++)
        {
            inner *= shape[d];
        }

        return (outer, shape[axis], inner);
    }

    internal static long IntAttribute(Node node, string name, long fallback) =>
        node.Attributes.TryGetValue(name, out AttributeValue? value) ? value.AsInt() : fallback;
}
