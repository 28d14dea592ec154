using System.Globalization;
using Converters.Ir;
using Converters.Ir.Schemas;
using Converters.Plugins.Darknet.Cfg;

namespace Converters.Plugins.Darknet.Mapping;

internal sealed partial class DarknetImporter
{
    private DarknetShape MapLayer(CfgSection s) => s.Kind switch
    {
        "convolutional" => Convolutional(s),
        "connected" => Connected(s),
        "maxpool" => Pool(s, "MaxPool"),
        "local_avgpool" => Pool(s, "AveragePool"),
        "avgpool" => GlobalAverage(),
        "route" => Route(s),
        "shortcut" => Shortcut(s),
        "upsample" => Upsample(s),
        "reorg" => Reorg(s),
        "yolo" => Yolo(s),
        "region" => Region(s),
        "detection" => Detection(s),
        "softmax" => Softmax(s),
        "cost" => PassThrough("Identity", "cost"),
        "dropout" => Dropout(s),
        "batchnorm" => BatchNorm(),
        "crop" => Crop(s),
        "scale_channels" => ScaleChannels(s),
        "sam" => Sam(s),
        "activation" => ActivationLayer(s),
        _ => throw s.Error((CfgOption?)null, $"section {s.Header} is not imported"),
    };

    private void CheckCommon()
    {
        RejectNonZero("dontload", "dontsave", "numload", "dontloadscales");
    }

    private DarknetShape Convolutional(CfgSection s)
    {
        CheckCommon();
        RejectNonZero("binary", "xnor", "flipped", "bin_output", "antialiasing", "cbn", "sway", "rotate", "stretch", "stretch_sway", "coordconv", "assisted_excitation", "deform", "use_bin_output");
        if (s.Find("share_index") is { } share)
        {
            throw s.Error(share, "'share_index' (weights shared with another layer) is not supported by this plugin");
        }

        DarknetShape input = PreviousShape;
        Require4D(input);
        int filters = s.GetPositiveInt("filters", 1);
        int size = s.GetPositiveInt("size", 1);
        int stride = s.GetPositiveInt("stride", 1);
        int strideX = s.GetPositiveInt("stride_x", stride);
        int strideY = s.GetPositiveInt("stride_y", stride);
        int padding = s.GetNonNegativeInt("padding", 0);
        if (s.GetInt("pad", 0) != 0)
        {
            padding = size / 2;
        }

        int groups = s.GetPositiveInt("groups", 1);
        int dilation = s.GetPositiveInt("dilation", 1);
        if (size == 1)
        {
            dilation = 1;
        }

        bool batchNormalize = s.GetInt("batch_normalize", 0) != 0;
        if (input.C % groups != 0 || filters % groups != 0)
        {
            throw s.Error("groups", string.Create(CultureInfo.InvariantCulture, $"groups={groups} must divide the input channels ({input.C}) and 'filters' ({filters})"));
        }

        string biases = Initializer("biases", TensorShape.Of(filters));
        string? scales = null, mean = null, variance = null;
        if (batchNormalize)
        {
            scales = Initializer("scales", TensorShape.Of(filters));
            mean = Initializer("rolling_mean", TensorShape.Of(filters));
            variance = Initializer("rolling_variance", TensorShape.Of(filters));
        }

        string weights = Initializer("weights", TensorShape.Of(filters, input.C / groups, size, size));
        Node conv = batchNormalize ? Emit("Conv", "conv", Previous, weights) : Emit("Conv", "conv", Previous, weights, biases);
        conv.With("strides", AttributeValue.FromInts(strideY, strideX))
            .With("pads", AttributeValue.FromInts(padding, padding, padding, padding))
            .With("dilations", AttributeValue.FromInts(dilation, dilation))
            .With("group", groups);
        if (batchNormalize)
        {
            EmitBatchNorm(Last, scales!, biases, mean!, variance!);
        }

        EmitActivation("activation", "logistic");
        int outW = ((input.W + (2 * padding) - (((size - 1) * dilation) + 1)) / strideX) + 1;
        int outH = ((input.H + (2 * padding) - (((size - 1) * dilation) + 1)) / strideY) + 1;
        return new DarknetShape(outW, outH, filters, false);
    }

    private void EmitBatchNorm(string x, string scales, string biases, string mean, string variance)
    {
        Node bn = Emit("BatchNormalization", "bn", x, scales, biases, mean, variance);
        if (_fork == DarknetFork.AlexeyAB)
        {
            bn.With("epsilon", 1e-5).With("epsilon_mode", StandardOps.EpsilonInsideSqrt);
        }
        else
        {
            bn.With("epsilon", 1e-6).With("epsilon_mode", StandardOps.EpsilonAfterSqrt);
        }
    }

    private DarknetShape Connected(CfgSection s)
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        int outputs = s.GetPositiveInt("output", 1);
        bool batchNormalize = s.GetInt("batch_normalize", 0) != 0;
        long inputs = input.Elements;
        if (inputs * outputs > int.MaxValue)
        {
            throw s.Error("output", string.Create(CultureInfo.InvariantCulture, $"{inputs} inputs x {outputs} outputs exceeds 2^31 weights"));
        }

        string biases = Initializer("biases", TensorShape.Of(outputs));
        string weights = Value("weights");
        _initializers.Add((weights, TensorShape.Of(outputs, (int)inputs)));
        _slots.Add(new Weights.WeightSlot(s.Index, s.DisplayName, "weights", weights, TensorShape.Of(outputs, (int)inputs), (int)inputs));
        string? scales = null, mean = null, variance = null;
        if (batchNormalize)
        {
            scales = Initializer("scales", TensorShape.Of(outputs));
            mean = Initializer("rolling_mean", TensorShape.Of(outputs));
            variance = Initializer("rolling_variance", TensorShape.Of(outputs));
        }

        string x = Previous;
        if (!input.Flat)
        {
            x = Emit("Flatten", "flatten", x).With("axis", 1L).Outputs[0];
        }

        Node gemm = batchNormalize ? Emit("Gemm", "gemm", x, weights) : Emit("Gemm", "gemm", x, weights, biases);
        gemm.With("transB", 1L);
        if (batchNormalize)
        {
            EmitBatchNorm(Last, scales!, biases, mean!, variance!);
        }

        EmitActivation("activation", "logistic");
        return new DarknetShape(1, 1, outputs, true);
    }

    private DarknetShape Pool(CfgSection s, string opType)
    {
        CheckCommon();
        RejectNonZero("maxpool_depth", "antialiasing");
        DarknetShape input = PreviousShape;
        Require4D(input);
        int stride = s.GetPositiveInt("stride", 1);
        int strideX = s.GetPositiveInt("stride_x", stride);
        int strideY = s.GetPositiveInt("stride_y", stride);
        int size = s.GetPositiveInt("size", stride);
        int padding = s.GetNonNegativeInt("padding", size - 1);
        if (input.W + padding < size || input.H + padding < size)
        {
            throw s.Error("size", string.Create(CultureInfo.InvariantCulture, $"the window {size} is larger than the padded input {input.W + padding} x {input.H + padding}"));
        }

        Node node = Emit(opType, opType == "MaxPool" ? "maxpool" : "avgpool", Previous)
            .With("kernel_shape", AttributeValue.FromInts(size, size))
            .With("strides", AttributeValue.FromInts(strideY, strideX))
            .With("pads", AttributeValue.FromInts(padding / 2, padding / 2, padding - (padding / 2), padding - (padding / 2)));
        if (opType == "AveragePool")
        {
            node.With("count_include_pad", 0L);
        }

        return new DarknetShape(((input.W + padding - size) / strideX) + 1, ((input.H + padding - size) / strideY) + 1, input.C, false);
    }

    private DarknetShape GlobalAverage()
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        Require4D(input);
        Emit("GlobalAveragePool", "avgpool", Previous);
        return new DarknetShape(1, 1, input.C, false);
    }

    private DarknetShape Route(CfgSection s)
    {
        CheckCommon();
        int[] layers = s.GetInts("layers") ?? throw s.Error((CfgOption?)null, "[route] needs 'layers' (the layers to concatenate)");
        CfgOption option = s.Find("layers")!;
        int groups = s.GetPositiveInt("groups", 1);
        int groupId = s.GetNonNegativeInt("group_id", 0);
        if (groupId >= groups)
        {
            throw s.Error("group_id", string.Create(CultureInfo.InvariantCulture, $"group_id={groupId} must be below groups={groups}"));
        }

        var inputs = new List<string>();
        DarknetShape? first = null;
        int firstIndex = -1;
        int channels = 0;
        for (int j = 0; j < layers.Length; j++)
        {
            int index = Resolve(option, layers[j]);
            DarknetShape shape = _shapes[index];
            if (first is { } f && (shape.W != f.W || shape.H != f.H || shape.Flat != f.Flat))
            {
                throw s.Error(option, string.Create(CultureInfo.InvariantCulture, $"layer {index} is {shape.W} x {shape.H} but the first layer of the list (layer {firstIndex}) is {f.W} x {f.H}; Darknet concatenates only equal W x H (it would print a 0 x 0 output)"));
            }

            if (first is null)
            {
                first = shape;
                firstIndex = index;
            }

            string value = Name(index);
            if (groups > 1)
            {
                if (shape.C % groups != 0)
                {
                    throw s.Error("groups", string.Create(CultureInfo.InvariantCulture, $"groups={groups} does not divide the {shape.C} channels of layer {index}"));
                }

                int part = shape.C / groups;
                value = Emit("Slice", "slice" + j.ToString(CultureInfo.InvariantCulture), value)
                    .With("axes", AttributeValue.FromInts(1))
                    .With("starts", AttributeValue.FromInts(groupId * part))
                    .With("ends", AttributeValue.FromInts((groupId + 1) * part))
                    .Outputs[0];
                channels += part;
            }
            else
            {
                channels += shape.C;
            }

            inputs.Add(value);
        }

        if (inputs.Count > 1)
        {
            Emit("Concat", "concat", [.. inputs]).With("axis", 1L);
        }
        else if (groups == 1)
        {
            Emit("Identity", "route", inputs[0]);
        }

        return new DarknetShape(first!.Value.W, first.Value.H, channels, first.Value.Flat);
    }

    private DarknetShape Shortcut(CfgSection s)
    {
        CheckCommon();
        int[] from = s.GetInts("from") ?? throw s.Error((CfgOption?)null, "[shortcut] needs 'from' (the layer to add)");
        CfgOption option = s.Find("from")!;
        if (_fork == DarknetFork.PjReddie && from.Length != 1)
        {
            throw s.Error(option, "pjreddie darknet reads one 'from' layer (it would silently use the first); a list needs --darknet-fork alexeyab");
        }

        DarknetShape input = PreviousShape;
        Require4D(input);
        var inputs = new List<string> { Previous };
        foreach (int value in from)
        {
            int index = Resolve(option, value);
            if (_shapes[index].Flat)
            {
                throw s.Error(option, string.Create(CultureInfo.InvariantCulture, $"layer {index} is flat; [shortcut] adds W x H x C maps"));
            }

            inputs.Add(Name(index));
        }

        string weightsType = s.GetString("weights_type", "none");
        string irType = weightsType switch
        {
            "none" => "none",
            "per_feature" or "per_layer" => "per_feature",
            "per_channel" => "per_channel",
            _ => throw s.Error("weights_type", $"'weights_type' must be none, per_feature, per_layer or per_channel, got \"{weightsType}\""),
        };
        string normalization = s.GetString("weights_normalization", "none");
        if (normalization is not ("none" or "relu" or "avg_relu" or "softmax"))
        {
            throw s.Error("weights_normalization", $"'weights_normalization' must be none, relu, avg_relu or softmax, got \"{normalization}\"");
        }

        if (irType != "none")
        {
            int count = from.Length + 1;
            TensorShape shape = irType == "per_feature" ? TensorShape.Of(count) : TensorShape.Of(count, input.C);
            inputs.Add(Initializer("weights", shape));
        }

        Node node = Emit("Shortcut", "shortcut", [.. inputs]);
        if (irType != "none")
        {
            node.With("weights_type", irType).With("weights_normalization", normalization);
        }

        double alpha = s.GetFloat("alpha", 1);
        double beta = s.GetFloat("beta", 1);
        if (alpha != 1 || beta != 1)
        {
            node.With("alpha", alpha).With("beta", beta);
        }

        EmitActivation("activation", "linear");
        return input;
    }

    private DarknetShape Upsample(CfgSection s)
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        Require4D(input);
        int stride = s.GetInt("stride", 2);
        if (stride <= 0)
        {
            throw s.Error("stride", string.Create(CultureInfo.InvariantCulture, $"stride={stride}: only upsampling (a positive stride) is supported; Darknet's negative stride (downsampling) has no IR operator"));
        }

        if (s.GetFloat("scale", 1) != 1)
        {
            throw s.Error("scale", "'scale' other than 1 is not supported (the output would be multiplied by it)");
        }

        if (input.Elements * stride * stride > int.MaxValue)
        {
            throw s.Error("stride", string.Create(CultureInfo.InvariantCulture, $"stride={stride} makes a {input.W * (long)stride} x {input.H * (long)stride} x {input.C} output, over 2^31 values"));
        }

        Emit("Upsample", "upsample", Previous).With("scales", AttributeValue.FromInts(stride, stride));
        return new DarknetShape(input.W * stride, input.H * stride, input.C, false);
    }

    private DarknetShape Reorg(CfgSection s)
    {
        CheckCommon();
        if (_fork == DarknetFork.AlexeyAB)
        {
            throw s.Error((CfgOption?)null, "AlexeyAB's [reorg] is its REORG_OLD element order, which the IR does not model; read with the default pjreddie fork if the cfg is pjreddie's");
        }

        DarknetShape input = PreviousShape;
        Require4D(input);
        int stride = s.GetPositiveInt("stride", 1);
        bool reverse = s.GetInt("reverse", 0) != 0;
        bool flatten = s.GetInt("flatten", 0) != 0;
        int extra = s.GetNonNegativeInt("extra", 0);
        if (flatten && extra != 0)
        {
            throw s.Error("extra", "'extra' with 'flatten=1' makes darknet copy 'extra' values past the end of its input; use one or the other");
        }

        if (extra != 0)
        {
            // forward_reorg_layer with extra: the input copied flat, followed by 'extra' values darknet never
            // writes (zeros from calloc); the layer has no W x H x C shape (darknet prints 0 x 0 x 0).
            if (input.Elements + extra > int.MaxValue)
            {
                throw s.Error("extra", "the input plus 'extra' values exceed 2^31 values");
            }

            string flat = Emit("Flatten", "flatten", Previous).With("axis", 1L).Outputs[0];
            Emit("Pad", "extra", flat).With("pads", AttributeValue.FromInts(0, 0, 0, extra));
            return new DarknetShape(1, 1, checked((int)input.Elements + extra), true);
        }

        if (flatten)
        {
            return ReorgFlatten(s, input, stride, reverse);
        }

        Emit("Reorg", "reorg", Previous).With("stride", stride).With("reverse", reverse ? 1L : 0L);
        return reverse
            ? new DarknetShape(input.W * stride, input.H * stride, input.C / (stride * stride), false)
            : new DarknetShape(input.W / stride, input.H / stride, input.C * stride * stride, false);
    }

    /// <summary>
    /// forward_reorg_layer with flatten: darknet's <c>flatten</c> transposes C x (H*W) to (H*W) x C
    /// (reverse: back) and the result is read as the layer's output shape, which 'stride' sets as for the
    /// plain reorg. As Transpose + Reshape (reverse: Reshape + Transpose + Reshape).
    /// </summary>
    private DarknetShape ReorgFlatten(CfgSection s, DarknetShape input, int stride, bool reverse)
    {
        int blocks = stride * stride;
        DarknetShape output = reverse
            ? new DarknetShape(input.W * stride, input.H * stride, input.C / blocks, false)
            : new DarknetShape(input.W / stride, input.H / stride, input.C * blocks, false);
        if (output.Elements != input.Elements)
        {
            throw s.Error("stride", string.Create(CultureInfo.InvariantCulture, $"with flatten=1 the output {output.W} x {output.H} x {output.C} must hold the input's {input.Elements} values (darknet would overrun its buffer); the input {input.W} x {input.H} x {input.C} does not divide by stride={stride}"));
        }

        // (Reshape's 0 keeps the batch dimension.)
        int[] target = [0, output.C, output.H, output.W];
        if (reverse)
        {
            string rows = Emit("Reshape", "rows", Previous).With("shape", AttributeValue.FromInts(0, input.W * input.H, input.C)).Outputs[0];
            string transposed = Emit("Transpose", "flatten", rows).With("perm", AttributeValue.FromInts(0, 2, 1)).Outputs[0];
            Emit("Reshape", "reshape", transposed).With("shape", AttributeValue.FromInts(target));
        }
        else
        {
            string transposed = Emit("Transpose", "flatten", Previous).With("perm", AttributeValue.FromInts(0, 2, 3, 1)).Outputs[0];
            Emit("Reshape", "reshape", transposed).With("shape", AttributeValue.FromInts(target));
        }

        return output;
    }

    private DarknetShape Yolo(CfgSection s)
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        Require4D(input);
        int classes = s.GetPositiveInt("classes", 20);
        int total = s.GetPositiveInt("num", 1);
        int[] mask = s.GetInts("mask") ?? [.. Enumerable.Range(0, total)];
        double[] anchors = s.GetFloats("anchors") ?? [.. Enumerable.Repeat(0.5, total * 2)];
        if (anchors.Length < total * 2)
        {
            throw s.Error("anchors", string.Create(CultureInfo.InvariantCulture, $"{anchors.Length} values for num={total} anchors; expected {total * 2} (w, h pairs)"));
        }

        Node node = Emit("Yolo", "yolo", Previous)
            .With("classes", classes)
            .With("anchors", AttributeValue.FromFloats(anchors.Take(total * 2)))
            .With("mask", AttributeValue.FromInts(mask));
        double scaleXy = s.GetFloat("scale_x_y", 1);
        if (scaleXy != 1)
        {
            node.With("scale_x_y", scaleXy);
        }

        if (s.GetInt("new_coords", 0) != 0)
        {
            node.With("new_coords", 1L);
        }

        _detectionOutputs.Add(Name(s.Index));
        return input;
    }

    private DarknetShape Region(CfgSection s)
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        Require4D(input);
        int num = s.GetPositiveInt("num", 1);
        int classes = s.GetPositiveInt("classes", 20);
        Node node = Emit("Region", "region", Previous)
            .With("classes", classes)
            .With("coords", s.GetPositiveInt("coords", 4))
            .With("num", num)
            .With("softmax", s.GetInt("softmax", 0) != 0 ? 1L : 0L);
        if (s.GetFloats("anchors") is { } anchors)
        {
            node.With("anchors", AttributeValue.FromFloats(anchors.Take(num * 2)));
        }

        // 'map' (YOLO9000's coco9k.map) only renumbers the classes darknet reports as detections; it stays
        // with the section's keys.
        if (s.Find("tree") is { } tree)
        {
            node.With("group_sizes", AttributeValue.FromInts(LoadTree(s, tree, classes, "'classes'").GroupSizes.ToArray()));
        }

        _detectionOutputs.Add(Name(s.Index));
        return input;
    }

    private DarknetShape Detection(CfgSection s)
    {
        CheckCommon();
        if (s.GetInt("softmax", 0) != 0)
        {
            throw s.Error("softmax", "[detection] with softmax=1 (a softmax over each cell's classes) has no IR operator; only softmax=0, an identity at inference");
        }

        Emit("Identity", "detection", Previous);
        _detectionOutputs.Add(Name(s.Index));
        return PreviousShape;
    }

    private DarknetShape Softmax(CfgSection s)
    {
        CheckCommon();
        if (s.GetInt("groups", 1) != 1)
        {
            throw s.Error("groups", "softmax over several groups has no IR equivalent; only groups=1");
        }

        double temperature = s.GetFloat("temperature", 1);
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw s.Error("temperature", "'temperature' must be a positive number");
        }

        RejectNonZero("spatial");
        DarknetShape input = PreviousShape;
        if (!input.Flat && input.W * input.H != 1)
        {
            throw s.Error((CfgOption?)null, string.Create(CultureInfo.InvariantCulture, $"Darknet's softmax normalises all {input.Elements} values of a {input.W} x {input.H} x {input.C} input together; only 1 x 1 x C or flat inputs are supported"));
        }

        SoftmaxTree? hierarchy = s.Find("tree") is { } tree ? LoadTree(s, tree, input.Elements, "the layer's input") : null;
        Node softmax = Emit("Softmax", "softmax", Previous).With("axis", 1L);
        if (temperature != 1)
        {
            softmax.With("temperature", temperature);
        }

        if (hierarchy is not null)
        {
            softmax.With("group_sizes", AttributeValue.FromInts(hierarchy.GroupSizes.ToArray()));
        }

        return input;
    }

    /// <summary>Reads the section's tree file; its node count must equal <paramref name="expected"/> (what the softmax covers).</summary>
    private static SoftmaxTree LoadTree(CfgSection s, CfgOption option, long expected, string what)
    {
        SoftmaxTree tree = SoftmaxTree.Load(s, option, Environment.CurrentDirectory);
        if (tree.Count != expected)
        {
            throw s.Error(option, string.Create(CultureInfo.InvariantCulture, $"the tree file \"{tree.Path}\" has {tree.Count} classes, but {what} has {expected}; darknet's softmax would read past them or leave values unset"));
        }

        return tree;
    }

    private DarknetShape PassThrough(string opType, string role)
    {
        CheckCommon();
        Emit(opType, role, Previous);
        return PreviousShape;
    }

    /// <summary>pjreddie's [activation]: the activation alone (default linear, then an Identity names the output).</summary>
    private DarknetShape ActivationLayer(CfgSection s)
    {
        string name = s.GetString("activation", "linear");
        if (name == "linear")
        {
            return PassThrough("Identity", "activation");
        }

        CheckCommon();
        EmitActivation("activation", "linear");
        return PreviousShape;
    }

    private DarknetShape Dropout(CfgSection s)
    {
        CheckCommon();
        RejectNonZero("dropblock");
        double probability = s.GetFloat("probability", _fork == DarknetFork.AlexeyAB ? 0.2 : 0.5);
        Emit("Dropout", "dropout", Previous).With("ratio", probability);
        return PreviousShape;
    }

    private DarknetShape BatchNorm()
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        int channels = input.C;
        bool alexey = _fork == DarknetFork.AlexeyAB;
        string biases = Initializer("biases", TensorShape.Of(channels), inFile: alexey);
        string scales = Initializer("scales", TensorShape.Of(channels));
        string mean = Initializer("rolling_mean", TensorShape.Of(channels));
        string variance = Initializer("rolling_variance", TensorShape.Of(channels));
        EmitBatchNorm(Previous, scales, biases, mean, variance);
        return input;
    }

    private DarknetShape Crop(CfgSection s)
    {
        CheckCommon();
        DarknetShape input = PreviousShape;
        Require4D(input);
        int height = s.GetPositiveInt("crop_height", 1);
        int width = s.GetPositiveInt("crop_width", 1);
        if (height > input.H || width > input.W)
        {
            throw s.Error(height > input.H ? "crop_height" : "crop_width", string.Create(CultureInfo.InvariantCulture, $"the crop {width} x {height} is larger than the input {input.W} x {input.H}"));
        }

        int dh = (input.H - height) / 2;
        int dw = (input.W - width) / 2;
        Emit("Slice", "crop", Previous)
            .With("axes", AttributeValue.FromInts(2, 3))
            .With("starts", AttributeValue.FromInts(dh, dw))
            .With("ends", AttributeValue.FromInts(dh + height, dw + width));
        if (s.GetInt("noadjust", 0) == 0)
        {
            // At inference Darknet's crop maps [0, 1] pixels to [-1, 1]: x * 2 - 1.
            Emit("Power", "adjust", Last).With("scale", 2.0).With("shift", -1.0);
        }

        return new DarknetShape(width, height, input.C, false);
    }

    private DarknetShape ScaleChannels(CfgSection s)
    {
        CheckCommon();
        (int index, DarknetShape from) = From(s);
        bool wh = s.GetInt("scale_wh", 0) != 0;
        Emit("ScaleChannels", "scale_channels", Name(index), Previous).With("scale_wh", wh ? 1L : 0L);
        EmitActivation("activation", "linear");
        return from;
    }

    private DarknetShape Sam(CfgSection s)
    {
        CheckCommon();
        RejectNonZero("scale_wh");
        (int index, DarknetShape from) = From(s);
        Emit("Mul", "sam", Name(index), Previous);
        EmitActivation("activation", "linear");
        return from;
    }

    private (int Index, DarknetShape Shape) From(CfgSection s)
    {
        int[] from = s.GetInts("from") ?? throw s.Error((CfgOption?)null, $"{s.Header} needs 'from'");
        CfgOption option = s.Find("from")!;
        if (from.Length != 1)
        {
            throw s.Error(option, $"{s.Header} takes one 'from' layer, got {from.Length}");
        }

        int index = Resolve(option, from[0]);
        if (_shapes[index].Flat || PreviousShape.Flat)
        {
            throw s.Error(option, $"{s.Header} needs W x H x C inputs");
        }

        return (index, _shapes[index]);
    }
}
