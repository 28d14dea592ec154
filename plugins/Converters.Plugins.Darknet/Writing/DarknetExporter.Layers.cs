using System.Globalization;
using Converters.Ir;
using Converters.Ir.Schemas;
using Converters.Plugins.Darknet.Mapping;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Writing;

internal sealed partial class DarknetExporter
{
    private static readonly string[] s_supported =
    [
        "Conv", "BatchNormalization", "Flatten", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat", "Slice",
        "Identity", "Shortcut", "Add", "Upsample", "Reorg", "Yolo", "Region", "Softmax", "Dropout", "ScaleChannels", "Mul",
        "Power", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Mish", "Swish", "Relu6", "Elu",
    ];

    private void ExportGroup()
    {
        Node head = Head;
        switch (head.OpType)
        {
            case "Conv": Convolutional(head); break;
            case "Flatten" when OriginalKind(head) == "reorg": ReorgExtra(head); break;
            case "Transpose" or "Reshape" when OriginalKind(head) == "reorg": ReorgFlatten(head); break;
            case "Flatten":
            case "Gemm": Connected(head); break;
            case "MaxPool": Pool(head, "maxpool"); break;
            case "AveragePool": Pool(head, "local_avgpool"); break;
            case "GlobalAveragePool": Simple(head, "avgpool"); break;
            case "Concat" when Int(head, "axis", 1) == 1: Route(head, 0); break;
            case "Slice": SliceGroup(head); break;
            case "Identity": IdentityLayer(head); break;
            case "Shortcut": Shortcut(head); break;
            case "Add": AddAsShortcut(head); break;
            case var _ when Activations.FromIr(head) is string activation: ActivationLayer(head, activation); break;
            case "Upsample": Upsample(head); break;
            case "Reorg": Reorg(head); break;
            case "Yolo": Yolo(head); break;
            case "Region": Region(head); break;
            case "Softmax": Softmax(head); break;
            case "Dropout": Dropout(head); break;
            case "BatchNormalization": BatchNorm(head); break;
            case "ScaleChannels": FromLayer(head, "scale_channels"); break;
            case "Mul": FromLayer(head, "sam"); break;
            default:
                throw new Abstractions.UnsupportedOperatorException($"node '{head.Name}': operator '{head.OpType}' has no Darknet section here; supported: {string.Join(", ", s_supported)}") { OperatorName = head.OpType };
        }
    }

    /// <summary>Absorbs a trailing activation node and sets the section's 'activation'.</summary>
    private int Activation(Node head, SectionBuilder section, string value, int count, string fallback)
    {
        if (IsRamp(head, value, _position + count))
        {
            section.Set("activation", "ramp", fallback);
            return count + 3;
        }

        Node? next = Next(head, value, count);
        string? name = next is null ? null : Activations.FromIr(next);
        section.Set("activation", name ?? "linear", fallback);
        return name is null ? count : count + 1;
    }

    /// <summary>Relu(v), Power(v, scale 0.1), Add of the two: Darknet's ramp activation.</summary>
    private bool IsRamp(Node head, string value, int at)
    {
        if (at + 2 >= _graph.Nodes.Count || _consumers.GetValueOrDefault(value) != 2)
        {
            return false;
        }

        Node relu = _graph.Nodes[at], linear = _graph.Nodes[at + 1], add = _graph.Nodes[at + 2];
        bool shape = relu is { OpType: "Relu" } && relu.Inputs[0] == value
            && linear is { OpType: "Power" } && linear.Inputs[0] == value && Float(linear, "scale", 1) == 0.1 && Float(linear, "shift", 0) == 0 && Float(linear, "power", 1) == 1
            && add is { OpType: "Add" } && add.Inputs.SequenceEqual([relu.Outputs[0], linear.Outputs[0]]);
        return shape && new[] { relu, linear, add }.All(n => LayerTag(n) == LayerTag(head) && !n.Metadata.ContainsKey(DarknetMetadata.Section));
    }

    private void Convolutional(Node conv)
    {
        RequirePrevious(conv, conv.Inputs[0]);
        SectionBuilder section = Section(conv, "convolutional");
        TensorData weights = Initializer(conv, 1);
        TensorShape w = weights.Shape;
        if (w[2] != w[3])
        {
            throw Cannot(conv, $"kernel {w[2]}x{w[3]} is not square; Darknet has one 'size'");
        }

        var pads = Ints(conv, "pads", 0, 0, 0, 0);
        if (pads.Distinct().Count() != 1)
        {
            throw Cannot(conv, $"pads [{string.Join(", ", pads)}] are not the same on all sides; Darknet pads symmetrically");
        }

        var strides = Ints(conv, "strides", 1, 1);
        var dilations = Ints(conv, "dilations", 1, 1);
        if (dilations[0] != dilations[1])
        {
            throw Cannot(conv, "dilations differ between height and width");
        }

        int count = 1;
        Node? bn = Next(conv, conv.Outputs[0], 1);
        bn = bn?.OpType == "BatchNormalization" ? bn : null;
        int filters = w[0];
        section.Set("batch_normalize", bn is null ? 0 : 1, 0);
        section.Set("filters", filters, 1);
        section.Set("size", w[2], 1);
        SetStride(section, strides);
        long padding = pads[0];
        bool padFlag = section.Original("pad") is { } pad && pad != "0";
        if (padding == w[2] / 2 && (padFlag || section.Original("padding") is null) && padding > 0)
        {
            section.Set("pad", 1, 0);
        }
        else
        {
            if (padFlag)
            {
                section.Set("pad", 0, 0);
            }

            section.Set("padding", padding, 0);
        }

        section.Set("groups", Int(conv, "group", 1), 1);
        if (dilations[0] != 1 || section.Original("dilation") is not null)
        {
            section.Set("dilation", dilations[0], 1);
        }

        var arrays = new List<(WeightSlot, TensorData)>();
        string value = conv.Outputs[0];
        if (bn is not null)
        {
            CheckEpsilon(bn);
            arrays.Add((Slot("biases", Initializer(bn, 2)), Initializer(bn, 2)));
            arrays.Add((Slot("scales", Initializer(bn, 1)), Initializer(bn, 1)));
            arrays.Add((Slot("rolling_mean", Initializer(bn, 3)), Initializer(bn, 3)));
            arrays.Add((Slot("rolling_variance", Initializer(bn, 4)), Initializer(bn, 4)));
            value = bn.Outputs[0];
            count++;
        }
        else
        {
            TensorData biases = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0 ? Initializer(conv, 2) : TensorData.Zeros(DataType.Float32, TensorShape.Of(filters));
            arrays.Add((Slot("biases", biases), biases));
        }

        arrays.Add((Slot("weights", weights), weights));
        count = Activation(conv, section, value, count, "logistic");
        Finish(section, arrays, count);
    }

    private static void SetStride(SectionBuilder section, System.Collections.Immutable.ImmutableArray<long> strides)
    {
        if (strides[0] == strides[1] && section.Original("stride_x") is null && section.Original("stride_y") is null)
        {
            section.Set("stride", strides[0], 1);
            return;
        }

        if (section.Original("stride") is not null || strides[0] == strides[1])
        {
            section.Set("stride", strides[1], 1);
        }

        section.Set("stride_x", strides[1], null);
        section.Set("stride_y", strides[0], null);
    }

    private void CheckEpsilon(Node bn)
    {
        string mode = Str(bn, "epsilon_mode", StandardOps.EpsilonInsideSqrt);
        double epsilon = Float(bn, "epsilon", 1e-5);
        bool ok = _fork == DarknetFork.AlexeyAB
            ? mode == StandardOps.EpsilonInsideSqrt && epsilon == 1e-5
            : mode == StandardOps.EpsilonAfterSqrt && epsilon == 1e-6;
        if (!ok)
        {
            string expected = _fork == DarknetFork.AlexeyAB ? "epsilon_mode 'variance', epsilon 1e-5 (AlexeyAB)" : "epsilon_mode 'stddev', epsilon 1e-6 (pjreddie)";
            throw Cannot(bn, $"epsilon_mode '{mode}', epsilon {epsilon.ToString("R", CultureInfo.InvariantCulture)} cannot be written: this Darknet fork computes {expected}");
        }
    }

    private void Connected(Node head)
    {
        RequirePrevious(head, head.Inputs[0]);
        int count = 0;
        Node gemm = head;
        if (head.OpType == "Flatten")
        {
            if (Int(head, "axis", 1) != 1)
            {
                throw Cannot(head, "only Flatten with axis 1 maps to Darknet's CHW flattening");
            }

            gemm = Next(head, head.Outputs[0], 1) is { OpType: "Gemm" } g ? g : throw Cannot(head, "a Flatten must be followed by a Gemm to form a [connected] layer");
            count = 1;
        }

        SectionBuilder section = Section(head, "connected");
        if (Int(gemm, "transA", 0) != 0 || Int(gemm, "transB", 0) != 1 || Float(gemm, "alpha", 1) != 1 || Float(gemm, "beta", 1) != 1)
        {
            throw Cannot(gemm, "only Gemm with transB=1, transA=0, alpha=beta=1 is a Darknet [connected] layer");
        }

        TensorData weights = Initializer(gemm, 1);
        int outputs = weights.Shape[0];
        count++;
        Node? bn = Next(head, gemm.Outputs[0], count);
        bn = bn?.OpType == "BatchNormalization" ? bn : null;
        section.Set("output", outputs, 1);
        section.Set("batch_normalize", bn is null ? 0 : 1, 0);
        var arrays = new List<(WeightSlot, TensorData)>();
        string value = gemm.Outputs[0];
        if (bn is not null)
        {
            CheckEpsilon(bn);
            arrays.Add((Slot("biases", Initializer(bn, 2)), Initializer(bn, 2)));
            arrays.Add((Slot("weights", weights, weights.Shape[1]), weights));
            arrays.Add((Slot("scales", Initializer(bn, 1)), Initializer(bn, 1)));
            arrays.Add((Slot("rolling_mean", Initializer(bn, 3)), Initializer(bn, 3)));
            arrays.Add((Slot("rolling_variance", Initializer(bn, 4)), Initializer(bn, 4)));
            value = bn.Outputs[0];
            count++;
        }
        else
        {
            TensorData biases = gemm.Inputs.Count > 2 && gemm.Inputs[2].Length > 0 ? Initializer(gemm, 2) : TensorData.Zeros(DataType.Float32, TensorShape.Of(outputs));
            if (biases.ElementCount != outputs)
            {
                throw Cannot(gemm, "the bias must have one value per output");
            }

            arrays.Add((Slot("biases", biases), biases));
            arrays.Add((Slot("weights", weights, weights.Shape[1]), weights));
        }

        count = Activation(head, section, value, count, "logistic");
        Finish(section, arrays, count);
    }

    private void Pool(Node node, string kind)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, kind);
        var kernel = Ints(node, "kernel_shape");
        var pads = Ints(node, "pads", 0, 0, 0, 0);
        if (kernel[0] != kernel[1])
        {
            throw Cannot(node, "the window is not square; Darknet has one 'size'");
        }

        long padding = pads[0] + pads[2];
        if (pads[0] != pads[1] || pads[2] != pads[3] || pads[0] != padding / 2 || Int(node, "ceil_mode", 0) != 0)
        {
            throw Cannot(node, $"pads [{string.Join(", ", pads)}] with ceil_mode {Int(node, "ceil_mode", 0)} do not follow Darknet's rule (padding/2 before, the rest after, floor rounding)");
        }

        if (kind == "local_avgpool" && Int(node, "count_include_pad", 0) != 0)
        {
            throw Cannot(node, "Darknet's local average divides by the valid pixels (count_include_pad=0)");
        }

        section.Set("size", kernel[0], null);
        SetStride(section, Ints(node, "strides", 1, 1));
        section.Set("padding", padding, kernel[0] - 1);
        Finish(section, [], 1);
    }

    private void Simple(Node node, string kind)
    {
        RequirePrevious(node, node.Inputs[0]);
        Finish(Section(node, kind), [], 1);
    }

    private void IdentityLayer(Node node)
    {
        string? kind = OriginalKind(node);
        if (kind is "cost" or "detection" or "activation")
        {
            RequirePrevious(node, node.Inputs[0]);
            Finish(Section(node, kind), [], 1);
            return;
        }

        Route(node, 0);
    }

    /// <summary>An activation no layer before it can carry (it follows a route, a shortcut with its own, ...): pjreddie's [activation].</summary>
    private void ActivationLayer(Node node, string activation)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, "activation");
        section.Set("activation", activation, "linear");
        Finish(section, [], 1);
    }

    /// <summary>A [route] over the node's inputs (Concat or Identity), after <paramref name="slices"/> Slice nodes.</summary>
    private void Route(Node node, int slices, long groups = 1, long groupId = 0, IReadOnlyList<string>? sources = null)
    {
        Node head = slices > 0 ? _graph.Nodes[_position] : node;
        SectionBuilder section = Section(head, "route");
        sources ??= node.Inputs;
        var layers = sources.Select(v => LayerOf(node, v)).ToList();
        string? original = section.Original("layers");
        string[] parts = original?.Split(',') ?? [];
        var written = new List<string>();
        bool same = parts.Length == layers.Count;
        for (int j = 0; j < layers.Count; j++)
        {
            bool relative = j < parts.Length ? parts[j].StartsWith('-') : layers[j] < Index;
            int value = relative ? layers[j] - Index : layers[j];
            string text = value.ToString(CultureInfo.InvariantCulture);
            same &= j < parts.Length && int.TryParse(parts[j], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p) && p == value;
            written.Add(text);
        }

        if (!same)
        {
            section.Set("layers", string.Join(',', written), null);
        }

        section.Set("groups", groups, 1);
        section.Set("group_id", groupId, 0);
        Finish(section, [], slices + (node == head && slices > 0 ? 0 : 1));
    }

    private void SliceGroup(Node head)
    {
        var axes = Ints(head, "axes");
        if (axes.SequenceEqual([2L, 3L]))
        {
            Crop(head);
            return;
        }

        if (!axes.SequenceEqual([1L]) || head.Attributes.ContainsKey("steps"))
        {
            throw Cannot(head, "only channel slices (Darknet route groups) and H/W center crops have Darknet sections");
        }

        // Consecutive channel Slices of the same layer, then optionally the Concat joining exactly them.
        var slices = new List<Node>();
        int at = _position;
        while (at < _graph.Nodes.Count && _graph.Nodes[at].OpType == "Slice" && LayerTag(_graph.Nodes[at]) == LayerTag(head)
            && (at == _position || !_graph.Nodes[at].Metadata.ContainsKey(DarknetMetadata.Section)))
        {
            slices.Add(_graph.Nodes[at]);
            at++;
        }

        Node? concat = at < _graph.Nodes.Count && _graph.Nodes[at] is { OpType: "Concat" } c && c.Inputs.SequenceEqual(slices.Select(s => s.Outputs[0])) ? c : null;
        if (concat is null)
        {
            slices = [slices[0]];
        }

        long groups = 0, groupId = 0;
        foreach (Node slice in slices)
        {
            TensorShape input = _shapes[slice.Inputs[0]];
            long start = Ints(slice, "starts")[0];
            long end = Math.Min(Ints(slice, "ends")[0], input[1]);
            long part = end - start;
            if (part <= 0 || input[1] % part != 0 || start % part != 0)
            {
                throw Cannot(slice, $"channels [{start}, {end}) of {input[1]} are not one of equal groups");
            }

            long g = input[1] / part;
            long id = start / part;
            if (groups != 0 && (g != groups || id != groupId))
            {
                throw Cannot(slice, "all inputs of a grouped route must take the same group");
            }

            groups = g;
            groupId = id;
        }

        if (concat is null)
        {
            Node single = slices[0];
            Route(single, 1, groups, groupId, [single.Inputs[0]]);
            return;
        }

        RouteGrouped(concat, slices, groups, groupId);
    }

    private void RouteGrouped(Node concat, List<Node> slices, long groups, long groupId) =>
        Route(concat, slices.Count, groups, groupId, [.. slices.Select(s => s.Inputs[0])]);
}
