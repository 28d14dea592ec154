using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Checkpoint;
using Tensorflow;
using IrType = Converters.Ir.DataType;

namespace Converters.Plugins.TensorFlow.Mapping;

/// <summary>The mapping of each supported TensorFlow op.</summary>
internal sealed partial class TensorFlowImporter
{
    /// <summary>The ops this reader maps, in the order of the error message.</summary>
    public static readonly string[] SupportedOps =
    [
        "Add", "AddN", "AddV2", "AvgPool", "BiasAdd", "ConcatV2", "Const", "Conv2D", "Conv2DBackpropInput", "DepthwiseConv2dNative", "Elu", "FusedBatchNorm",
        "FusedBatchNormV3", "Identity", "LeakyRelu", "MatMul", "MaxPool", "Maximum", "Mean", "MirrorPad", "Mul", "NoOp", "Pad", "PadV2",
        "Placeholder", "ReadVariableOp", "RealDiv", "Relu", "Relu6", "Reshape", "ResizeNearestNeighbor", "Rsqrt (of constants)", "Sigmoid", "Slice", "Softmax",
        "SpaceToDepth", "Sqrt (of constants)", "Squeeze", "Sub", "Tanh", "Transpose", "VarHandleOp", "Variable", "VariableV2",
    ];

    private void ImportNode()
    {
        if (TryFoldConstants())
        {
            return;
        }

        switch (_node.Op)
        {
            case "Placeholder": MapPlaceholder(); break;
            case "Const": _values[_node.Name] = Constant(); break;
            case "Identity" or "ReadVariableOp": _values[_node.Name] = Input(0); break;
            case "VariableV2" or "Variable" or "VarHandleOp": _values[_node.Name] = Variable(); break;
            case "NoOp": break;
            case "Conv2D": MapConv(depthwise: false); break;
            case "DepthwiseConv2dNative": MapConv(depthwise: true); break;
            case "Conv2DBackpropInput": MapConvBackpropInput(); break;
            case "BiasAdd": MapBiasAdd(); break;
            case "Add" or "AddV2": MapBinary("Add"); break;
            case "AddN": MapAddN(); break;
            case "Sub": MapBinary("Sub"); break;
            case "Mul": MapBinary("Mul"); break;
            case "RealDiv": MapBinary("Div"); break;
            case "Maximum": MapBinary("Max"); break;
            case "FusedBatchNorm" or "FusedBatchNormV3": MapBatchNorm(); break;
            case "Relu" or "Relu6" or "Sigmoid" or "Tanh" or "Elu": MapUnary(_node.Op); break;
            case "LeakyRelu": MapUnary("LeakyRelu").Attributes["alpha"] = (double)FloatAttr("alpha", 0.2f); break;
            case "MaxPool": MapPool("MaxPool"); break;
            case "AvgPool": MapPool("AveragePool"); break;
            case "Mean": MapMean(); break;
            case "MatMul": MapMatMul(); break;
            case "Reshape": MapReshape(); break;
            case "Squeeze": MapSqueeze(); break;
            case "ConcatV2": MapConcat(); break;
            case "Pad" or "PadV2" or "MirrorPad": MapPad(); break;
            case "Slice": MapSlice(); break;
            case "Transpose": MapTranspose(); break;
            case "Softmax": MapSoftmax(); break;
            case "ResizeNearestNeighbor": MapResize(); break;
            case "SpaceToDepth": MapSpaceToDepth(); break;
            default:
                throw new UnsupportedOperatorException(
                    $"node '{_node.Name}': op '{_node.Op}' is not supported; supported ops: {string.Join(", ", SupportedOps)}")
                {
                    OperatorName = _node.Op,
                    FilePath = _path,
                    FieldPath = $"node[{_index}].op",
                };
        }
    }

    /// <summary>Ops of the saver, the initializers and variable bookkeeping: not part of inference.</summary>
    private static readonly HashSet<string> s_skippedOps = new(StringComparer.Ordinal)
    {
        "Assign", "AssignVariableOp", "VarIsInitializedOp", "IsVariableInitialized", "SaveV2", "RestoreV2", "MergeV2Checkpoints",
        "ShardedFilename", "StringJoin", "NoOp",
    };

    /// <summary>True for saver (<c>save/...</c>, <c>save_1/...</c>) and initializer nodes, which the reader skips.</summary>
    private static bool IsSaverOrInitializer(NodeDef node)
    {
        if (s_skippedOps.Contains(node.Op) || node.Name.StartsWith("save/", StringComparison.Ordinal))
        {
            return true;
        }

        int slash = node.Name.IndexOf('/', StringComparison.Ordinal);
        return slash > "save_".Length && node.Name.StartsWith("save_", StringComparison.Ordinal) && !node.Name.AsSpan("save_".Length, slash - "save_".Length).ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>A variable's value from the checkpoint (key = the variable's node name), checked against its dtype and shape attrs.</summary>
    private TfValue Variable()
    {
        if (_checkpoint is null)
        {
            throw Error(null, "is a variable: name its checkpoint after the graph (x.pbtxt x.ckpt.index, or the 'checkpoint' file), or read a frozen graph");
        }

        if (!_checkpoint.Contains(_node.Name))
        {
            throw new ModelFormatException($"node '{_node.Name}' ({_node.Op}): variable '{_node.Name}' is not in the checkpoint {_checkpoint.Prefix} ({_checkpoint.TensorNames.Count} tensors)")
            {
                FilePath = _checkpoint.IndexPath,
                FieldPath = _node.Name,
            };
        }

        CheckpointTensor tensor = _checkpoint.ReadTensor(_node.Name);
        AttrValue? dtype = Attr("dtype");
        if (dtype is not null && dtype.ValueCase == AttrValue.ValueOneofCase.Type && (Tensorflow.DataType)((int)dtype.Type % 100) != tensor.DataType)
        {
            throw CheckpointMismatch($"the checkpoint holds {tensor.DataType} but the variable is {dtype.Type}");
        }

        AttrValue? shapeAttr = Attr("shape");
        if (shapeAttr is { ValueCase: AttrValue.ValueOneofCase.Shape, Shape.UnknownRank: false }
            && !shapeAttr.Shape.Dim.Select(d => d.Size).SequenceEqual(tensor.Shape))
        {
            throw CheckpointMismatch($"the checkpoint's shape [{string.Join(", ", tensor.Shape)}] differs from the variable's [{string.Join(", ", shapeAttr.Shape.Dim.Select(d => d.Size))}]");
        }

        var shape = TensorShape.Of([.. tensor.Shape.Select(d => checked((int)d))]);
        TensorData data = tensor.DataType switch
        {
            Tensorflow.DataType.DtFloat => TensorData.FromBytes(IrType.Float32, shape, tensor.Data),
            Tensorflow.DataType.DtInt64 => TensorData.FromBytes(IrType.Int64, shape, tensor.Data),
            Tensorflow.DataType.DtInt32 => TensorData.Create(shape, [.. TensorData.FromBytes(IrType.Int32, shape, tensor.Data).AsSpan<int>().ToArray().Select(v => (long)v)]),
            _ => throw CheckpointMismatch($"variables of {tensor.DataType} are not supported (DT_FLOAT, DT_INT32, DT_INT64)"),
        };
        return new TfValue(string.Empty, shape, false, data);
    }

    private ModelFormatException CheckpointMismatch(string message) =>
        new($"node '{_node.Name}' ({_node.Op}): variable '{_node.Name}': {message}")
        {
            FilePath = _checkpoint?.IndexPath ?? _path,
            FieldPath = _node.Name,
        };

    private void MapPlaceholder()
    {
        AttrValue? dtype = Attr("dtype");
        if (dtype is not null && (dtype.ValueCase != AttrValue.ValueOneofCase.Type || dtype.Type != Tensorflow.DataType.DtFloat))
        {
            throw Error("attr.dtype", $"only float Placeholders are supported, got {(dtype.ValueCase == AttrValue.ValueOneofCase.Type ? dtype.Type.ToString() : Describe(dtype))}");
        }

        TensorShapeProto proto = AttrOf("shape", AttrValue.ValueOneofCase.Shape, "a shape").Shape;
        if (proto.UnknownRank)
        {
            throw Error("attr.shape", "the Placeholder's shape has unknown rank; the reader needs its rank and H, W, C");
        }

        int[] dims = [.. proto.Dim.Select(d => d.Size is -1 ? -1 : checked((int)d.Size))];
        if (dims.Length > 0 && dims[0] == -1)
        {
            dims[0] = 1;
        }

        if (dims.Any(d => d <= 0))
        {
            throw Error("attr.shape", $"the Placeholder's shape [{string.Join(", ", proto.Dim.Select(d => d.Size))}] has unknown dimensions other than the batch");
        }

        // A 4-D input is NHWC unless the ops reading it say data_format NCHW.
        bool nhwc = dims.Length == 4 && !ReadAsNchw(_node.Name);
        TensorShape shape = nhwc ? TensorShape.Of(dims[0], dims[3], dims[1], dims[2]) : TensorShape.Of(dims);
        _anyNhwcInput |= nhwc;
        _anyNchwInput |= dims.Length == 4 && !nhwc;
        string name = Unique(_node.Name);
        _graph.Inputs.Add(new ValueInfo(name, IrType.Float32, shape));
        _values[_node.Name] = new TfValue(name, shape, nhwc, null);
    }

    private bool ReadAsNchw(string name) =>
        _def.Node.Any(n => n.Input.Any(i => SplitInput(i).Name == name)
            && n.Attr.TryGetValue("data_format", out AttrValue? f) && f.ValueCase == AttrValue.ValueOneofCase.S && f.S.ToStringUtf8() == "NCHW");

    private TfValue Constant()
    {
        TensorProto proto = AttrOf("value", AttrValue.ValueOneofCase.Tensor, "a tensor").Tensor;
        TensorData tensor = ReadTensor(proto, "attr.value");
        return new TfValue(string.Empty, tensor.Shape, false, tensor);
    }

    private void MapConv(bool depthwise)
    {
        bool nhwc = DataFormat();
        TfValue x = Input4D(0, nhwc);
        TensorData filter = ConstInput(1, "filter");
        if (filter.Shape.Rank != 4 || filter.DataType != IrType.Float32)
        {
            throw Error("input[1]", $"the filter must be a 4-D float HWIO tensor, got {filter}");
        }

        int kh = filter.Shape[0];
        int kw = filter.Shape[1];
        int cin = filter.Shape[2];
        int cout = filter.Shape[3];
        int channels = x.Shape[1];
        int group = 1;
        TensorData weights;
        if (depthwise)
        {
            if (cin != channels)
            {
                throw Error("input[1]", $"the depthwise filter has {cin} input channels, the input has {channels}");
            }

            // [H, W, C, M] -> [C*M, 1, H, W], output channel c*M + m.
            weights = Permute(filter, TensorShape.Of(cin * cout, 1, kh, kw), (h, w, i, o) => (((i * cout) + o) * kh * kw) + (h * kw) + w);
            group = cin;
        }
        else
        {
            if (channels % cin != 0)
            {
                throw Error("input[1]", $"the filter has {cin} input channels, which does not divide the input's {channels}");
            }

            // HWIO -> OIHW.
            weights = Permute(filter, TensorShape.Of(cout, cin, kh, kw), (h, w, i, o) => (((o * cin) + i) * kh * kw) + (h * kw) + w);
            group = channels / cin;
        }

        (int sh, int sw) = Spatial("strides", nhwc);
        (int dh, int dw) = Spatial("dilations", nhwc);
        int[] pads = Padding(x.Shape, kh, kw, sh, sw, dh, dw, nhwc);
        string w = _graph.AddInitializer(Unique(_node.Name + "/weights"), weights);
        Node node = Emit("Conv", null, [x.Ir, w]);
        node.Attributes["strides"] = AttributeValue.FromInts(sh, sw);
        node.Attributes["pads"] = AttributeValue.FromInts(pads);
        node.Attributes["dilations"] = AttributeValue.FromInts(dh, dw);
        node.Attributes["group"] = (long)group;
        Define(node, nhwc);
    }

    private static TensorData Permute(TensorData hwio, TensorShape target, Func<int, int, int, int, int> index)
    {
        ReadOnlySpan<float> src = hwio.AsSpan<float>();
        var dst = new float[src.Length];
        int kh = hwio.Shape[0];
        int kw = hwio.Shape[1];
        int ci = hwio.Shape[2];
        int co = hwio.Shape[3];
        int k = 0;
        for (int h = 0; h < kh; h++)
        {
            for (int w = 0; w < kw; w++)
            {
                for (int i = 0; i < ci; i++)
                {
                    for (int o = 0; o < co; o++)
                    {
                        dst[index(h, w, i, o)] = src[k++];
                    }
                }
            }
        }

        return TensorData.Create(target, dst);
    }

    private void MapBiasAdd()
    {
        bool nhwc = DataFormat();
        TfValue x = Input(0, 2);
        TensorData bias = ConstInput(1, "bias");
        if (bias.Shape.Rank != 1 || x.Shape.Rank < 2 || bias.Shape[0] != x.Shape[1])
        {
            throw Error("input[1]", $"the bias {bias.Shape} must be 1-D with one value per channel of the input {x.Shape}");
        }

        if (x.Shape.Rank == 4 && x.Nhwc != nhwc)
        {
            throw Error("attr.data_format", "data_format disagrees with the input's layout");
        }

        string b = _graph.AddInitializer(Unique(_node.Name + "/bias"), x.Shape.Rank == 4 ? bias.Reshape(TensorShape.Of(bias.Shape[0], 1, 1)) : bias);
        Define(Emit("Add", null, [x.Ir, b]), x.Nhwc);
    }

    private void MapBinary(string opType)
    {
        TfValue a = Input(0, 2);
        TfValue b = Input(1, 2);
        if (a.Constant is not null && b.Constant is not null)
        {
            throw Error("input", "both operands are constants; fold them before converting");
        }

        TfValue data = a.Constant is null ? a : b;
        string left = a.Constant is null ? a.Ir : ChannelConstant(a, data, 0);
        string right = b.Constant is null ? b.Ir : ChannelConstant(b, data, 1);
        if (a.Constant is null && b.Constant is null && (a.Shape != b.Shape || a.Nhwc != b.Nhwc))
        {
            throw Error("input", $"operands {a.Shape} and {b.Shape} differ; broadcasting between computed tensors is not supported");
        }

        Define(Emit(opType, null, [left, right]), data.Nhwc);
    }

    /// <summary>AddN of computed tensors of one shape: a chain of IR Adds (one for two inputs).</summary>
    private void MapAddN()
    {
        List<string> all = DataInputs();
        TfValue first = Input(0);
        string sum = first.Ir;
        for (int i = 1; i < all.Count; i++)
        {
            TfValue v = Input(i);
            if (v.Constant is not null || first.Constant is not null || v.Shape != first.Shape || v.Nhwc != first.Nhwc)
            {
                throw Error($"input[{i}]", $"AddN needs computed tensors of one shape and layout, got {first.Shape} and {(v.Constant is not null ? "a Const" : v.Shape.ToString())}");
            }

            Node add = Emit("Add", i == all.Count - 1 ? null : $"sum{i}", [sum, v.Ir], i == all.Count - 1 ? null : Unique($"{_node.Name}/sum{i}"));
            if (i == all.Count - 1)
            {
                Define(add, first.Nhwc);
                return;
            }

            sum = Step(add);
        }

        _values[_node.Name] = first;
    }

    /// <summary>A constant operand as an IR initializer: a scalar, or one value per channel (the TF last axis of NHWC).</summary>
    private string ChannelConstant(TfValue constant, TfValue data, int index)
    {
        TensorData c = constant.Constant!;
        if (c.DataType != IrType.Float32)
        {
            throw Error($"input[{index}]", $"the constant operand must be float, got {c}");
        }

        if (c.Shape.ElementCount == 1)
        {
            return _graph.AddInitializer(Unique(_node.Name + "/const"), c.Reshape(TensorShape.Scalar));
        }

        if (data.Shape.Rank == 4 && data.Nhwc && c.Shape == TensorShape.Of(data.Shape[0], data.Shape[2], data.Shape[3], data.Shape[1]))
        {
            // A full NHWC constant: transposed to the IR's NCHW.
            return _graph.AddInitializer(Unique(_node.Name + "/const"), NhwcToNchw(c));
        }

        int channels = data.Shape[1];
        bool perChannel = c.Shape.ElementCount == channels && c.Shape.Dimensions.Count(d => d != 1) <= 1 && c.Shape.Rank >= 1 && c.Shape[-1] == channels;
        if (!perChannel || (data.Shape.Rank == 4 && !data.Nhwc))
        {
            throw Error($"input[{index}]", $"the constant operand {c.Shape} must be a scalar or one value per channel ({channels}) of the NHWC tensor {data.Shape}");
        }

        TensorShape target = data.Shape.Rank == 4 ? TensorShape.Of(channels, 1, 1) : TensorShape.Of(channels);
        return _graph.AddInitializer(Unique(_node.Name + "/const"), c.Reshape(target));
    }

    private static TensorData NhwcToNchw(TensorData t)
    {
        (int n, int h, int w, int c) = (t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]);
        ReadOnlySpan<float> src = t.AsSpan<float>();
        float[] dst = new float[src.Length];
        for (int b = 0; b < n; b++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        dst[(((((b * c) + ch) * h) + y) * w) + x] = src[(((((b * h) + y) * w) + x) * c) + ch];
                    }
                }
            }
        }

        return TensorData.Create(TensorShape.Of(n, c, h, w), dst);
    }

    private void MapBatchNorm()
    {
        bool nhwc = DataFormat();
        if (BoolAttr("is_training", true))
        {
            throw Error("attr.is_training", "is_training is true (the default): only inference batch norm (is_training: false) is supported");
        }

        TfValue x = Input4D(0, nhwc);
        int channels = x.Shape[1];
        string[] names = ["scale", "offset", "mean", "variance"];
        var inputs = new List<string> { x.Ir };
        for (int i = 0; i < 4; i++)
        {
            TensorData t = ConstInput(i + 1, names[i]);
            if (t.Shape.Rank != 1 || t.Shape[0] != channels || t.DataType != IrType.Float32)
            {
                throw Error($"input[{i + 1}]", $"the {names[i]} must be a float vector of {channels}, got {t}");
            }

            inputs.Add(_graph.AddInitializer(Unique($"{_node.Name}/{names[i]}"), t));
        }

        Node node = Emit("BatchNormalization", null, inputs);
        node.Attributes["epsilon"] = (double)FloatAttr("epsilon", 0.0001f);
        node.Attributes["epsilon_mode"] = "variance";
        Define(node, nhwc);
    }

    private Node MapUnary(string opType)
    {
        TfValue x = Input(0, 1);
        Node node = Emit(opType, null, [Data(x)]);
        if (opType == "Elu")
        {
            node.Attributes["alpha"] = 1.0;
        }

        Define(node, x.Nhwc);
        return node;
    }

    private void MapPool(string opType)
    {
        bool nhwc = DataFormat();
        TfValue x = Input4D(0, nhwc);
        (int kh, int kw) = Spatial("ksize", nhwc);
        (int sh, int sw) = Spatial("strides", nhwc);
        int[] pads = Padding(x.Shape, kh, kw, sh, sw, 1, 1, nhwc);
        Node node = Emit(opType, null, [x.Ir]);
        node.Attributes["kernel_shape"] = AttributeValue.FromInts(kh, kw);
        node.Attributes["strides"] = AttributeValue.FromInts(sh, sw);
        node.Attributes["pads"] = AttributeValue.FromInts(pads);
        if (opType == "AveragePool")
        {
            // TF divides by the number of valid (unpadded) pixels in the window.
            node.Attributes["count_include_pad"] = 0L;
        }

        Define(node, nhwc);
    }

    /// <summary>Translates a TF axis of <paramref name="x"/> to the IR axis (NHWC 4-D: N, H, W, C -> 0, 2, 3, 1).</summary>
    private int IrAxis(TfValue x, long axis, string field)
    {
        int rank = x.Shape.Rank;
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw Error(field, $"axis {axis} is out of range for rank {rank}");
        }

        return x.Nhwc ? (int)a switch { 0 => 0, 1 => 2, 2 => 3, _ => 1 } : (int)a;
    }

    private void MapMean()
    {
        TfValue x = Input(0, 2);
        TensorData axes = ConstInput(1, "reduction_indices");
        int[] irAxes = [.. axes.AsSpan<long>().ToArray().Select(a => IrAxis(x, a, "input[1]")).Order()];
        if (x.Shape.Rank != 4 || irAxes is not [2, 3])
        {
            throw Error("input[1]", $"only a Mean over H and W of a 4-D tensor is supported, got axes [{string.Join(", ", axes.AsSpan<long>().ToArray())}] of {x.Shape}");
        }

        bool keep = BoolAttr("keep_dims", false);
        Node pool = Emit("GlobalAveragePool", keep ? null : "pool", [x.Ir], keep ? null : Unique(_node.Name + "/pool"));
        if (keep)
        {
            Define(pool, x.Nhwc);
            return;
        }

        string pooled = Step(pool);
        Node flatten = Emit("Flatten", null, [pooled]);
        flatten.Attributes["axis"] = 1L;
        Define(flatten, false);
    }

    private void MapMatMul()
    {
        TfValue a = Input(0, 2);
        TfValue b = Input(1, 2);
        if (a.Shape.Rank != 2 || b.Shape.Rank != 2)
        {
            throw Error("input", $"MatMul needs 2-D operands, got {a.Shape} and {b.Shape}");
        }

        Node node = Emit("Gemm", null, [Data(a, _node.Name + "/a"), Data(b, _node.Name + "/weights")]);
        node.Attributes["transA"] = BoolAttr("transpose_a", false) ? 1L : 0L;
        node.Attributes["transB"] = BoolAttr("transpose_b", false) ? 1L : 0L;
        Define(node, false);
    }

    private void MapReshape()
    {
        TfValue x = Input(0, 2);
        TensorData shapeTensor = ConstInput(1, "shape");
        long[] target = shapeTensor.AsSpan<long>().ToArray();
        long count = x.Shape.ElementCount;
        if (x.Shape.Rank == 4 && target.Length == 2 && (target[1] == count / x.Shape[0] || (target[1] == -1 && (target[0] == x.Shape[0] || target[0] == -1))))
        {
            Flatten(x);
            return;
        }

        // A general reshape works on TF's element order: an NHWC input is transposed to it first, and a 4-D
        // result (NHWC to TF) is transposed back to the IR's NCHW.
        string source = x.Ir;
        if (x.Shape.Rank == 4 && x.Nhwc)
        {
            Node toNhwc = Emit("Transpose", "nhwc", [x.Ir], Unique(_node.Name + "/nhwc"));
            toNhwc.Attributes["perm"] = AttributeValue.FromInts(0, 2, 3, 1);
            source = Step(toNhwc);
        }

        if (target.Length != 4)
        {
            Node node = Emit("Reshape", null, [source]);
            node.Attributes["shape"] = AttributeValue.FromInts(target);
            Define(node, false);
            return;
        }

        Node reshape = Emit("Reshape", "reshape", [source], Unique(_node.Name + "/reshape"));
        reshape.Attributes["shape"] = AttributeValue.FromInts(target);
        string reshaped = Step(reshape);
        Node toNchw = Emit("Transpose", null, [reshaped]);
        toNchw.Attributes["perm"] = AttributeValue.FromInts(0, 3, 1, 2);
        Define(toNchw, true);
    }

    /// <summary>Flattens a 4-D tensor in TF element order: NHWC needs Transpose(0,2,3,1) first.</summary>
    private void Flatten(TfValue x)
    {
        string source = x.Ir;
        if (x.Nhwc && (x.Shape[2] != 1 || x.Shape[3] != 1))
        {
            Node transpose = Emit("Transpose", "nhwc", [x.Ir], Unique(_node.Name + "/nhwc"));
            transpose.Attributes["perm"] = AttributeValue.FromInts(0, 2, 3, 1);
            source = Step(transpose);
        }

        Node flatten = Emit("Flatten", null, [source]);
        flatten.Attributes["axis"] = 1L;
        Define(flatten, false);
    }

    private void MapSqueeze()
    {
        TfValue x = Input(0, 1);
        AttrValue? dims = Attr("squeeze_dims");
        long[] axes = dims is null ? [] : IntsAttr("squeeze_dims", dims.List?.I.Count ?? 0, 0);
        int[] irAxes = [.. axes.Select(a => IrAxis(x, a, "attr.squeeze_dims")).Order()];
        bool squeezeHw = x.Shape.Rank == 4 && x.Shape[2] == 1 && x.Shape[3] == 1 && (irAxes is [2, 3] || (irAxes.Length == 0 && x.Shape[0] != 1));
        if (!squeezeHw)
        {
            throw Error("attr.squeeze_dims", $"only squeezing H and W (both 1) of a 4-D tensor is supported, got [{string.Join(", ", axes)}] of {x.Shape}");
        }

        Flatten(x);
    }

    private void MapConcat()
    {
        List<string> all = DataInputs();
        if (all.Count < 2)
        {
            throw Error("input", "ConcatV2 needs the values and the axis");
        }

        TensorData axisTensor = ConstInput(all.Count - 1, "axis");
        TfValue first = Input(0);
        var inputs = new List<string>();
        for (int i = 0; i < all.Count - 1; i++)
        {
            TfValue v = Input(i);
            if (v.Constant is not null || v.Nhwc != first.Nhwc || v.Shape.Rank != first.Shape.Rank)
            {
                throw Error($"input[{i}]", "all concatenated tensors must be computed tensors of the same rank and layout");
            }

            inputs.Add(v.Ir);
        }

        Node node = Emit("Concat", null, inputs);
        node.Attributes["axis"] = (long)IrAxis(first, axisTensor.AsSpan<long>()[0], $"input[{all.Count - 1}]");
        Define(node, first.Nhwc);
    }

    private void MapPad()
    {
        TfValue x = Input(0, _node.Op == "PadV2" ? 3 : 2);
        TensorData paddings = ConstInput(1, "paddings");
        int rank = x.Shape.Rank;
        if (paddings.Shape != TensorShape.Of(rank, 2))
        {
            throw Error("input[1]", $"paddings must be [{rank}, 2], got {paddings.Shape}");
        }

        long[] p = paddings.AsSpan<long>().ToArray();
        var pads = new long[2 * rank];
        for (int a = 0; a < rank; a++)
        {
            int irAxis = IrAxis(x, a, "input[1]");
            pads[irAxis] = p[2 * a];
            pads[rank + irAxis] = p[(2 * a) + 1];
        }

        Node node = Emit("Pad", null, [x.Ir]);
        node.Attributes["pads"] = AttributeValue.FromInts(pads);
        if (_node.Op == "PadV2")
        {
            TensorData value = ConstInput(2, "constant_values");
            if (value.ElementCount != 1 || value.DataType != IrType.Float32)
            {
                throw Error("input[2]", $"constant_values must be one float, got {value}");
            }

            node.Attributes["value"] = (double)value.AsSpan<float>()[0];
        }
        else if (_node.Op == "MirrorPad")
        {
            string mode = StringAttr("mode", string.Empty);
            node.Attributes["mode"] = mode == "REFLECT" ? "reflect" : throw Error("attr.mode", $"MirrorPad mode '{mode}' is not supported (REFLECT)");
        }

        Define(node, x.Nhwc);
    }

    private void MapSoftmax()
    {
        TfValue x = Input(0, 1);
        Node node = Emit("Softmax", null, [x.Ir]);
        node.Attributes["axis"] = (long)IrAxis(x, -1, "input[0]");
        Define(node, x.Nhwc);
    }

    private void MapResize()
    {
        TfValue x = Input4D(0, nhwc: true);
        TensorData size = ConstInput(1, "size");
        long[] hw = size.AsSpan<long>().ToArray();
        if (BoolAttr("align_corners", false) || BoolAttr("half_pixel_centers", false))
        {
            throw Error("attr.align_corners", "align_corners and half_pixel_centers are not supported");
        }

        if (hw.Length != 2 || hw[0] % x.Shape[2] != 0 || hw[1] % x.Shape[3] != 0 || hw[0] < x.Shape[2] || hw[1] < x.Shape[3])
        {
            throw Error("input[1]", $"size [{string.Join(", ", hw)}] must be an integer multiple of the input's H, W ({x.Shape[2]}, {x.Shape[3]})");
        }

        Node node = Emit("Upsample", null, [x.Ir]);
        node.Attributes["scales"] = AttributeValue.FromInts((int)(hw[0] / x.Shape[2]), (int)(hw[1] / x.Shape[3]));
        Define(node, true);
    }

    private void MapSpaceToDepth()
    {
        bool nhwc = DataFormat();
        TfValue x = Input4D(0, nhwc);
        AttrValue block = AttrOf("block_size", AttrValue.ValueOneofCase.I, "an int");
        Node node = Emit("SpaceToDepth", null, [x.Ir]);
        node.Attributes["blocksize"] = block.I;
        Define(node, nhwc);
    }

    private void MapSlice()
    {
        TfValue x = Input(0, 3);
        long[] begin = ConstInput(1, "begin").AsSpan<long>().ToArray();
        long[] size = ConstInput(2, "size").AsSpan<long>().ToArray();
        int rank = x.Shape.Rank;
        if (begin.Length != rank || size.Length != rank)
        {
            throw Error("input[1]", $"begin and size must have {rank} values (the input's rank), got {begin.Length} and {size.Length}");
        }

        var axes = new List<long>();
        var starts = new List<long>();
        var ends = new List<long>();
        for (int a = 0; a < rank; a++)
        {
            int irAxis = IrAxis(x, a, "input[1]");
            long n = x.Shape[irAxis];
            long end = size[a] == -1 ? n : begin[a] + size[a];
            if (begin[a] < 0 || size[a] < -1 || end > n || end <= begin[a])
            {
                throw Error("input[2]", $"begin {begin[a]} and size {size[a]} select nothing or leave axis {a} (size {n})");
            }

            if (begin[a] != 0 || end != n)
            {
                axes.Add(irAxis);
                starts.Add(begin[a]);
                ends.Add(end);
            }
        }

        if (axes.Count == 0)
        {
            _values[_node.Name] = x;
            return;
        }

        Node node = Emit("Slice", null, [x.Ir]);
        node.Attributes["axes"] = AttributeValue.FromInts(axes);
        node.Attributes["starts"] = AttributeValue.FromInts(starts);
        node.Attributes["ends"] = AttributeValue.FromInts(ends);
        Define(node, x.Nhwc);
    }

    /// <summary>
    /// A Transpose of a TF tensor: the IR perm composes the input's layout (NHWC: TF axis j = IR axis L[j]) with
    /// TF's perm, and a 4-D result is taken as NHWC (IR axis k = TF output axis M[k]).
    /// </summary>
    private void MapTranspose()
    {
        TfValue x = Input(0, 2);
        long[] perm = ConstInput(1, "perm").AsSpan<long>().ToArray();
        int rank = x.Shape.Rank;
        if (perm.Length != rank || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
        {
            throw Error("input[1]", $"perm [{string.Join(", ", perm)}] must be a permutation of 0..{rank - 1}");
        }

        int[] inputAxis = x.Nhwc ? [0, 2, 3, 1] : [.. Enumerable.Range(0, rank)];
        int[] outputAxis = rank == 4 ? [0, 3, 1, 2] : [.. Enumerable.Range(0, rank)];
        long[] irPerm = [.. Enumerable.Range(0, rank).Select(k => (long)inputAxis[perm[outputAxis[k]]])];
        if (irPerm.Select((p, i) => p == i).All(ok => ok))
        {
            _values[_node.Name] = x with { Nhwc = rank == 4 };
            return;
        }

        Node node = Emit("Transpose", null, [x.Ir]);
        node.Attributes["perm"] = AttributeValue.FromInts(irPerm);
        Define(node, rank == 4);
    }

    /// <summary>
    /// Conv2DBackpropInput(input_sizes, filter [kh, kw, C_out, C_in], x): the gradient of a convolution, as IR
    /// ConvTranspose with W[c_in, c_out, h, w] = filter[h, w, c_out, c_in], the forward convolution's padding of the
    /// output size (SAME, VALID or EXPLICIT) and the remainder as output_padding.
    /// </summary>
    private void MapConvBackpropInput()
    {
        bool nhwc = DataFormat();
        long[] sizes = ConstInput(0, "input_sizes").AsSpan<long>().ToArray();
        TensorData filter = ConstInput(1, "filter");
        TfValue x = Input4D(2, nhwc);
        if (sizes.Length != 4 || filter.Shape.Rank != 4 || filter.DataType != IrType.Float32)
        {
            throw Error("input[0]", $"input_sizes must have 4 values and the filter be a 4-D float tensor, got [{string.Join(", ", sizes)}] and {filter}");
        }

        (long outH, long outW, long outC) = nhwc ? (sizes[1], sizes[2], sizes[3]) : (sizes[2], sizes[3], sizes[1]);
        (int kh, int kw, int fOut, int fIn) = (filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]);
        if (fIn != x.Shape[1] || fOut != outC)
        {
            throw Error("input[1]", $"the filter [{kh}, {kw}, {fOut}, {fIn}] must map {x.Shape[1]} input channels to {outC} (input_sizes)");
        }

        (int sh, int sw) = Spatial("strides", nhwc);
        (int dh, int dw) = Spatial("dilations", nhwc);
        if (dh != 1 || dw != 1)
        {
            throw Error("attr.dilations", "dilated Conv2DBackpropInput is not supported");
        }

        int[] pads = Padding(TensorShape.Of(1, (int)outC, (int)outH, (int)outW), kh, kw, sh, sw, 1, 1, nhwc);
        long extraH = outH - ((((long)x.Shape[2] - 1) * sh) + kh - pads[0] - pads[2]);
        long extraW = outW - ((((long)x.Shape[3] - 1) * sw) + kw - pads[1] - pads[3]);
        if (extraH < 0 || extraW < 0 || extraH >= sh || extraW >= sw)
        {
            throw Error("input[0]", $"input_sizes {outH}x{outW} does not follow from the input {x.Shape[2]}x{x.Shape[3]}, kernel {kh}x{kw}, strides {sh}x{sw} and the padding");
        }

        ReadOnlySpan<float> f = filter.AsSpan<float>();
        float[] w = new float[f.Length];
        for (int h = 0; h < kh; h++)
        {
            for (int v = 0; v < kw; v++)
            {
                for (int co = 0; co < fOut; co++)
                {
                    for (int ci = 0; ci < fIn; ci++)
                    {
                        w[(((((ci * fOut) + co) * kh) + h) * kw) + v] = f[(((((h * kw) + v) * fOut) + co) * fIn) + ci];
                    }
                }
            }
        }

        string weights = _graph.AddInitializer(Unique(_node.Name + "/weights"), TensorData.Create(TensorShape.Of(fIn, fOut, kh, kw), w));
        Node node = Emit("ConvTranspose", null, [x.Ir, weights]);
        node.Attributes["strides"] = AttributeValue.FromInts(sh, sw);
        node.Attributes["pads"] = AttributeValue.FromInts(pads);
        node.Attributes["output_padding"] = AttributeValue.FromInts((int)extraH, (int)extraW);
        Define(node, nhwc);
    }
}
