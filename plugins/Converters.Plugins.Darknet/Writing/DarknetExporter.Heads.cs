using System.Globalization;
using Converters.Ir;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Writing;

internal sealed partial class DarknetExporter
{
    private void Crop(Node slice)
    {
        RequirePrevious(slice, slice.Inputs[0]);
        TensorShape input = _shapes[slice.Inputs[0]];
        var starts = Ints(slice, "starts");
        var ends = Ints(slice, "ends");
        long height = Math.Min(ends[0], input[2]) - starts[0];
        long width = Math.Min(ends[1], input[3]) - starts[1];
        if (starts[0] != (input[2] - height) / 2 || starts[1] != (input[3] - width) / 2 || slice.Attributes.ContainsKey("steps"))
        {
            throw Cannot(slice, "only a centred H/W crop is a Darknet [crop] (at inference it takes the centre)");
        }

        SectionBuilder section = Section(slice, "crop");
        section.Set("crop_height", height, 1);
        section.Set("crop_width", width, 1);
        Node? adjust = Next(slice, slice.Outputs[0], 1);
        bool adjusted = adjust is { OpType: "Power" } && Float(adjust, "scale", 1) == 2 && Float(adjust, "shift", 0) == -1 && Float(adjust, "power", 1) == 1;
        section.Set("noadjust", adjusted ? 0 : 1, 0);
        Finish(section, [], adjusted ? 2 : 1);
    }

    /// <summary>
    /// An element-wise Add of two layer outputs of one shape (a residual from another format) as
    /// [shortcut]: darknet's shortcut adds the <c>from</c> layer to the previous one (alpha = beta = 1).
    /// The later of the two operands becomes the previous layer, routed to if it is not.
    /// </summary>
    private void AddAsShortcut(Node node)
    {
        if (node.Inputs.Count != 2 || node.Inputs.Any(v => !_layerOf.ContainsKey(v)) || _shapes[node.Inputs[0]] != _shapes[node.Inputs[1]])
        {
            throw Cannot(node, "[shortcut] adds two layer outputs of the same shape; this Add has a constant operand or operands of different shapes");
        }

        bool firstIsLater = LayerOf(node, node.Inputs[0]) >= LayerOf(node, node.Inputs[1]);
        string previous = firstIsLater ? node.Inputs[0] : node.Inputs[1];
        string other = firstIsLater ? node.Inputs[1] : node.Inputs[0];
        RequirePrevious(node, previous);
        SectionBuilder section = Section(node, "shortcut");
        section.Set("from", LayerOf(node, other) - Index, null);
        int count = Activation(node, section, node.Outputs[0], 1, "linear");
        Finish(section, [], count);
    }

    private void Shortcut(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, "shortcut");
        string weightsType = Str(node, "weights_type", "none");
        int features = weightsType == "none" ? node.Inputs.Count : node.Inputs.Count - 1;
        var from = node.Inputs.Skip(1).Take(features - 1).Select(v => LayerOf(node, v)).ToList();
        string? original = section.Original("from");
        string[] parts = original?.Split(',') ?? [];
        var written = new List<string>();
        bool same = parts.Length == from.Count;
        for (int j = 0; j < from.Count; j++)
        {
            bool relative = j >= parts.Length || parts[j].StartsWith('-');
            int value = relative ? from[j] - Index : from[j];
            same &= j < parts.Length && int.TryParse(parts[j], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p) && p == value;
            written.Add(value.ToString(CultureInfo.InvariantCulture));
        }

        if (!same)
        {
            section.Set("from", string.Join(',', written), null);
        }

        var arrays = new List<(WeightSlot, TensorData)>();
        if (weightsType != "none")
        {
            string? originalType = section.Original("weights_type");
            section.Set("weights_type", originalType == "per_layer" && weightsType == "per_feature" ? "per_layer" : weightsType, "none");
            section.Set("weights_normalization", Str(node, "weights_normalization", "none"), "none");
            TensorData weights = Initializer(node, node.Inputs.Count - 1);
            arrays.Add((Slot("weights", weights), weights));
        }
        else
        {
            section.Set("weights_type", "none", "none");
        }

        double alpha = Float(node, "alpha", 1);
        double beta = Float(node, "beta", 1);
        if (alpha != 1 || beta != 1 || section.Original("alpha") is not null || section.Original("beta") is not null)
        {
            section.Set("alpha", alpha, 1);
            section.Set("beta", beta, 1);
        }

        int count = Activation(node, section, node.Outputs[0], 1, "linear");
        Finish(section, arrays, count);
    }

    private void Upsample(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        var scales = Ints(node, "scales");
        if (scales[0] != scales[1])
        {
            throw Cannot(node, "the factors differ between height and width; Darknet has one 'stride'");
        }

        SectionBuilder section = Section(node, "upsample");
        section.Set("stride", scales[0], 2);
        Finish(section, [], 1);
    }

    private void Reorg(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        if (_fork == DarknetFork.AlexeyAB)
        {
            throw Cannot(node, "AlexeyAB's [reorg] uses another element order; write with the pjreddie fork");
        }

        SectionBuilder section = Section(node, "reorg");
        section.Set("stride", Int(node, "stride", 2), 1);
        section.Set("reverse", Int(node, "reverse", 0), 0);
        section.Set("flatten", 0, 0);
        section.Set("extra", 0, 0);
        Finish(section, [], 1);
    }

    /// <summary>Flatten + Pad (zeros at the end of the flat axis only), read from a [reorg] with 'extra'.</summary>
    private void ReorgExtra(Node flatten)
    {
        RequirePrevious(flatten, flatten.Inputs[0]);
        Node pad = Next(flatten, flatten.Outputs[0], 1) ?? throw Cannot(flatten, "a Flatten read from [reorg] must be followed by its Pad ('extra')");
        var pads = Ints(pad, "pads");
        bool zerosAtTheEnd = Int(flatten, "axis", 1) == 1 && pad.OpType == "Pad" && pads.Length == 4 && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] > 0
            && Str(pad, "mode", "constant") == "constant" && Float(pad, "value", 0) == 0;
        if (!zerosAtTheEnd)
        {
            throw Cannot(pad, "only Flatten(axis 1) followed by zeros appended to the flat axis is a Darknet [reorg] with 'extra'");
        }

        SectionBuilder section = Section(flatten, "reorg");
        section.Set("extra", pads[3], 0);
        section.Set("flatten", 0, 0);
        Finish(section, [], 2);
    }

    /// <summary>Transpose + Reshape (or Reshape + Transpose + Reshape for reverse), read from a [reorg] with flatten=1.</summary>
    private void ReorgFlatten(Node head)
    {
        RequirePrevious(head, head.Inputs[0]);
        TensorShape input = _shapes[head.Inputs[0]];
        bool reverse = head.OpType == "Reshape";
        Node transpose = reverse ? Next(head, head.Outputs[0], 1) ?? throw Cannot(head, "is not part of a [reorg] flatten") : head;
        int count = reverse ? 2 : 1;
        Node reshape = Next(head, transpose.Outputs[0], count) ?? throw Cannot(transpose, "a [reorg] flatten ends with a Reshape");
        var perm = Ints(transpose, "perm");
        bool expected = input.Rank == 4 && transpose.OpType == "Transpose" && reshape.OpType == "Reshape"
            && (reverse
                ? perm.SequenceEqual([0L, 2, 1]) && _shapes[head.Outputs[0]] == TensorShape.Of(input[0], input[2] * input[3], input[1])
                : perm.SequenceEqual([0L, 2, 3, 1]));
        TensorShape output = _shapes[reshape.Outputs[0]];
        int stride = output.Rank == 4 ? (reverse ? output[3] / input[3] : input[3] / output[3]) : 0;
        bool sized = stride > 0 && (reverse
            ? output == TensorShape.Of(input[0], input[1] / (stride * stride), input[2] * stride, input[3] * stride)
            : output == TensorShape.Of(input[0], input[1] * stride * stride, input[2] / stride, input[3] / stride));
        if (!expected || !sized)
        {
            throw Cannot(head, "only darknet's flatten (C x HW to HW x C, or back for reverse) read as the reorg's output shape is a [reorg] with flatten=1");
        }

        SectionBuilder section = Section(head, "reorg");
        section.Set("flatten", 1, 0);
        section.Set("stride", stride, 1);
        section.Set("reverse", reverse ? 1 : 0, 0);
        Finish(section, [], count + 1);
    }

    /// <summary>
    /// 'tree' is written back as read (the file itself is not written): a node whose group sizes came
    /// from a tree keeps its 'tree' key; group sizes without one cannot be expressed.
    /// </summary>
    private static void Tree(Node node, SectionBuilder section)
    {
        if (!node.Attributes.ContainsKey("group_sizes"))
        {
            section.Remove("tree");
            return;
        }

        if (section.Original("tree") is null)
        {
            throw Cannot(node, "'group_sizes' (a hierarchical softmax) needs a Darknet tree file, and this node was not read with one ('tree=' in the cfg)");
        }
    }

    private void Yolo(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, "yolo");
        var anchors = node.Attributes["anchors"].AsFloats();
        section.SetList("mask", [.. node.Attributes["mask"].AsInts().Select(v => (double)v)]);
        section.SetList("anchors", anchors, prefixOnly: true);
        section.Set("classes", Int(node, "classes", 20), 20);
        section.Set("num", anchors.Length / 2, 1);
        section.Set("scale_x_y", Float(node, "scale_x_y", 1), 1);
        section.Set("new_coords", Int(node, "new_coords", 0), 0);
        Finish(section, [], 1);
    }

    private void Region(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, "region");
        var anchors = node.Attributes.TryGetValue("anchors", out AttributeValue? a) ? a.AsFloats() : [];
        if (anchors.Length > 0)
        {
            section.SetList("anchors", anchors, prefixOnly: true);
        }

        section.Set("classes", Int(node, "classes", 20), 20);
        section.Set("coords", Int(node, "coords", 4), 4);
        section.Set("num", Int(node, "num", 1), 1);
        section.Set("softmax", Int(node, "softmax", 0), 0);
        Tree(node, section);
        Finish(section, [], 1);
    }

    private void Softmax(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        TensorShape input = _shapes[node.Inputs[0]];
        if (Int(node, "axis", 1) != 1 || (input.Rank == 4 && input[2] * input[3] != 1) || input.Rank is not (2 or 4))
        {
            throw Cannot(node, "Darknet's [softmax] normalises over all values of a 1 x 1 x C or flat input (axis 1)");
        }

        SectionBuilder section = Section(node, "softmax");
        section.Set("temperature", Float(node, "temperature", 1), 1);
        Tree(node, section);
        Finish(section, [], 1);
    }

    private void Dropout(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        SectionBuilder section = Section(node, "dropout");
        section.Set("probability", Float(node, "ratio", 0.5), _fork == DarknetFork.AlexeyAB ? 0.2 : 0.5);
        Finish(section, [], 1);
    }

    private void BatchNorm(Node node)
    {
        RequirePrevious(node, node.Inputs[0]);
        CheckEpsilon(node);
        var arrays = new List<(WeightSlot, TensorData)>();
        TensorData biases = Initializer(node, 2);
        if (_fork == DarknetFork.AlexeyAB)
        {
            arrays.Add((Slot("biases", biases), biases));
        }
        else if (biases.AsSpan<float>().ContainsAnyExcept(0f))
        {
            throw Cannot(node, "pjreddie's [batchnorm] does not store biases and applies zeros; this node's biases are not all zero (fold them into the next layer or write with --darknet-fork alexeyab)");
        }

        arrays.Add((Slot("scales", Initializer(node, 1)), Initializer(node, 1)));
        arrays.Add((Slot("rolling_mean", Initializer(node, 3)), Initializer(node, 3)));
        arrays.Add((Slot("rolling_variance", Initializer(node, 4)), Initializer(node, 4)));
        Finish(Section(node, "batchnorm"), arrays, 1);
    }

    /// <summary>[scale_channels] (ScaleChannels(from, previous)) and [sam] (Mul(from, previous)).</summary>
    private void FromLayer(Node node, string kind)
    {
        if (node.Inputs.Count != 2)
        {
            throw Cannot(node, "needs two inputs");
        }

        RequirePrevious(node, node.Inputs[1]);
        SectionBuilder section = Section(node, kind);
        int from = LayerOf(node, node.Inputs[0]);
        string? original = section.Original("from");
        bool relative = original is null || original.StartsWith('-');
        section.Set("from", relative ? from - Index : from, null);
        if (kind == "scale_channels")
        {
            section.Set("scale_wh", Int(node, "scale_wh", 0), 0);
        }
        else if (_shapes[node.Inputs[0]] != _shapes[node.Inputs[1]])
        {
            throw Cannot(node, "[sam] multiplies two maps of the same shape");
        }

        int count = Activation(node, section, node.Outputs[0], 1, "linear");
        Finish(section, [], count);
    }
}
