using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Schemas;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>The TensorFlow ops written for each IR op.</summary>
internal sealed partial class TensorFlowExporter
{
    /// <summary>IR ops the writer maps, in the order of the error message.</summary>
    public static readonly string[] SupportedOps =
    [
        "Add", "AveragePool", "BatchNormalization", "Concat", "Conv", "ConvTranspose", "Div", "Dropout", "Elu", "Flatten", "Gemm", "GlobalAveragePool",
        "GlobalMaxPool", "Identity", "LeakyRelu", "Max", "MaxPool", "Mul", "Pad", "Region (no class tree)", "Relu", "Relu6", "Reshape", "Scale",
        "Shortcut (two equal inputs, no weights)", "Sigmoid", "Slice", "Softmax", "SpaceToDepth", "Sub", "Tanh", "Transpose", "Upsample", "Yolo",
    ];

    private void ExportNode()
    {
        switch (_node.OpType)
        {
            case "Identity" or "Dropout": _tensors[_node.Outputs[0]] = Tensor(_node.Inputs[0], "input 0"); break;
            case "Conv": Conv(); break;
            case "ConvTranspose": ConvTranspose(); break;
            case "BatchNormalization": BatchNorm(); break;
            case "Scale": Scale(); break;
            case "Relu" or "Relu6" or "Sigmoid" or "Tanh": Define(EmitFloat(_node.OpType, OutputName, [In(0).Name])); break;
            case "LeakyRelu": Define(EmitFloat("LeakyRelu", OutputName, [In(0).Name], ("alpha", TfAttr.Real(Real("alpha"))))); break;
            case "Elu": Elu(); break;
            case "MaxPool" or "AveragePool": Pool(); break;
            case "GlobalAveragePool": GlobalAveragePool(); break;
            case "GlobalMaxPool": GlobalMaxPool(); break;
            case "Flatten": Flatten(); break;
            case "Gemm": Gemm(); break;
            case "Concat": Concat(); break;
            case "Add": Binary("AddV2"); break;
            case "Sub": Binary("Sub"); break;
            case "Mul": Binary("Mul"); break;
            case "Div": Binary("RealDiv"); break;
            case "Max": Binary("Maximum"); break;
            case "Shortcut": Shortcut(); break;
            case "Softmax": Softmax(); break;
            case "Upsample": Upsample(); break;
            case "SpaceToDepth": SpaceToDepth(); break;
            case "Reshape": Reshape(); break;
            case "Transpose": Transpose(); break;
            case "Pad": Pad(); break;
            case "Slice": Slice(); break;
            case "Yolo": Yolo(); break;
            case "Region": Region(); break;
            default:
                throw new UnsupportedOperatorException(
                    $"node '{_node.Name}': IR op '{_node.OpType}' has no TensorFlow equivalent in this writer; supported: {string.Join(", ", SupportedOps)}")
                {
                    OperatorName = _node.OpType,
                    FieldPath = $"node[{_index}]",
                };
        }
    }

    private TfTensor In4D(int i)
    {
        TfTensor x = In(i);
        return x.Shape.Rank == 4 ? x : throw Error($"input {i} must be 4-D (N, C, H, W), got {x.Shape}");
    }

    private static (long Before, long After) Same(long input, long kernel, long stride, long dilation)
    {
        long effective = ((kernel - 1) * dilation) + 1;
        long output = (input + stride - 1) / stride;
        long total = Math.Max(((output - 1) * stride) + effective - input, 0);
        return (total / 2, total - (total / 2));
    }

    /// <summary>A Pad (or PadV2 with <paramref name="value"/>) of a 4-D NHWC tensor by (top, left, bottom, right).</summary>
    private string PadSpatial(string x, long top, long left, long bottom, long right, float value)
    {
        var paddings = new TensorProto { Dtype = Tensorflow.DataType.DtInt32, TensorShape = ShapeProto([4, 2]) };
        paddings.IntVal.Add([0, 0, (int)top, (int)bottom, (int)left, (int)right, 0, 0]);
        string p = Emit("Const", Helper("paddings"), [], ("dtype", TfAttr.Int32()), ("value", new AttrValue { Tensor = paddings }));
        if (value == 0)
        {
            return EmitFloat("Pad", Helper("pad"), [x, p], ("Tpaddings", TfAttr.Int32()));
        }

        string v = FloatConst(Helper("pad_value"), TensorData.Create(TensorShape.Scalar, [value]));
        return EmitFloat("PadV2", Helper("pad"), [x, p, v], ("Tpaddings", TfAttr.Int32()));
    }

    private void Conv()
    {
        TfTensor x = In4D(0);
        TensorData w = Weight(1, "weights");
        long group = Int("group");
        long[] strides = Ints("strides");
        long[] dilations = Ints("dilations");
        long[] pads = Ints("pads");
        int o = w.Shape[0], ig = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int channels = x.Shape[1];
        bool depthwise = group > 1 && group == channels && ig == 1;
        float[] src = Floats(w);
        float[] filter = new float[src.Length];
        if (depthwise)
        {
            // [O = C*M, 1, kh, kw] -> [kh, kw, C, M]; IR output channel c*M + m.
            int m = o / channels;
            for (int c = 0; c < channels; c++)
            {
                for (int k = 0; k < m; k++)
                {
                    for (int h = 0; h < kh; h++)
                    {
                        for (int v = 0; v < kw; v++)
                        {
                            filter[(((((h * kw) + v) * channels) + c) * m) + k] = src[(((((c * m) + k) * kh) + h) * kw) + v];
                        }
                    }
                }
            }
        }
        else
        {
            // OIHW -> HWIO (grouped: I is the per-group input count, as TF's grouped Conv2D takes it).
            for (int oc = 0; oc < o; oc++)
            {
                for (int i = 0; i < ig; i++)
                {
                    for (int h = 0; h < kh; h++)
                    {
                        for (int v = 0; v < kw; v++)
                        {
                            filter[(((((h * kw) + v) * ig) + i) * o) + oc] = src[(((((oc * ig) + i) * kh) + h) * kw) + v];
                        }
                    }
                }
            }
        }

        TensorShape filterShape = depthwise ? TensorShape.Of(kh, kw, channels, o / channels) : TensorShape.Of(kh, kw, ig, o);
        string weights = FloatConst(Helper("weights"), TensorData.Create(filterShape, filter));
        (string padding, string input) = WindowPadding(x, kh, kw, strides, dilations, pads, 0f);
        bool hasBias = Init(2) is not null;
        string convName = hasBias ? Helper(depthwise ? "depthwise" : "Conv2D") : OutputName;
        string conv = EmitFloat(
            depthwise ? "DepthwiseConv2dNative" : "Conv2D",
            convName,
            [input, weights],
            ("strides", TfAttr.Ints(1, strides[0], strides[1], 1)),
            ("dilations", TfAttr.Ints(1, dilations[0], dilations[1], 1)),
            ("padding", TfAttr.Str(padding)),
            ("data_format", TfAttr.Str("NHWC")));
        if (hasBias)
        {
            TensorData b = Weight(2, "bias");
            string bias = FloatConst(Helper("bias"), b.Reshape(TensorShape.Of((int)b.ElementCount)));
            conv = EmitFloat("BiasAdd", OutputName, [conv, bias], ("data_format", TfAttr.Str("NHWC")));
        }

        Define(conv);
    }

    /// <summary>
    /// ConvTranspose as Conv2DBackpropInput: input_sizes = the IR output (NHWC), filter[h, w, c_out, c_in] = W[c_in, c_out, h, w],
    /// padding VALID, SAME or EXPLICIT (the forward convolution's padding of the output); output_padding follows from input_sizes.
    /// </summary>
    private void ConvTranspose()
    {
        TfTensor x = In4D(0);
        TensorData w = Weight(1, "weights");
        if (Int("group") != 1 || Ints("dilations").Any(d => d != 1))
        {
            throw Error("a grouped or dilated ConvTranspose has no Conv2DBackpropInput equivalent in this writer");
        }

        long[] strides = Ints("strides");
        long[] pads = Ints("pads");
        TensorShape y = ShapeOf(_node.Outputs[0]);
        int ci = w.Shape[0], co = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        float[] src = Floats(w);
        float[] filter = new float[src.Length];
        for (int i = 0; i < ci; i++)
        {
            for (int o = 0; o < co; o++)
            {
                for (int h = 0; h < kh; h++)
                {
                    for (int v = 0; v < kw; v++)
                    {
                        filter[(((((h * kw) + v) * co) + o) * ci) + i] = src[(((((i * co) + o) * kh) + h) * kw) + v];
                    }
                }
            }
        }

        (long top, long bottom) = Same(y[2], kh, strides[0], 1);
        (long left, long right) = Same(y[3], kw, strides[1], 1);
        string padding = pads.All(p => p == 0) ? "VALID" : pads[0] == top && pads[1] == left && pads[2] == bottom && pads[3] == right ? "SAME" : "EXPLICIT";
        var attrs = new List<(string, AttrValue)>
        {
            ("strides", TfAttr.Ints(1, strides[0], strides[1], 1)),
            ("padding", TfAttr.Str(padding)),
            ("data_format", TfAttr.Str("NHWC")),
        };
        if (padding == "EXPLICIT")
        {
            attrs.Add(("explicit_paddings", TfAttr.Ints(0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0)));
        }

        string sizes = IntConst(Helper("output_shape"), [y[0], y[2], y[3], y[1]]);
        string weights = FloatConst(Helper("filter"), TensorData.Create(TensorShape.Of(kh, kw, co, ci), filter));
        bool hasBias = Init(2) is not null;
        string deconv = EmitFloat("Conv2DBackpropInput", hasBias ? Helper("conv2d_transpose") : OutputName, [sizes, weights, x.Name], [.. attrs]);
        if (hasBias)
        {
            TensorData b = Weight(2, "bias");
            deconv = EmitFloat("BiasAdd", OutputName, [deconv, FloatConst(Helper("bias"), b.Reshape(TensorShape.Of((int)b.ElementCount)))], ("data_format", TfAttr.Str("NHWC")));
        }

        Define(deconv);
    }

    /// <summary>"SAME" or "VALID" for the IR pads, adding a Pad (with <paramref name="padValue"/>) when neither matches.</summary>
    private (string Padding, string Input) WindowPadding(TfTensor x, long kh, long kw, long[] strides, long[] dilations, long[] pads, float padValue)
    {
        if (pads.All(p => p == 0))
        {
            return ("VALID", x.Name);
        }

        (long top, long bottom) = Same(x.Shape[2], kh, strides[0], dilations[0]);
        (long left, long right) = Same(x.Shape[3], kw, strides[1], dilations[1]);
        if (pads[0] == top && pads[1] == left && pads[2] == bottom && pads[3] == right)
        {
            return ("SAME", x.Name);
        }

        return ("VALID", PadSpatial(x.Name, pads[0], pads[1], pads[2], pads[3], padValue));
    }

    private void BatchNorm()
    {
        TfTensor x = In(0);
        float[] scale = Floats(Weight(1, "scale"));
        float[] bias = Floats(Weight(2, "bias"));
        float[] mean = Floats(Weight(3, "mean"));
        float[] variance = Floats(Weight(4, "variance"));
        double epsilon = Real("epsilon");
        bool insideSqrt = Attr("epsilon_mode").AsString() == StandardOps.EpsilonInsideSqrt;
        int c = scale.Length;
        if (insideSqrt && x.Shape.Rank == 4)
        {
            TensorShape vector = TensorShape.Of(c);
            string[] inputs =
            [
                x.Name,
                FloatConst(Helper("gamma"), TensorData.Create(vector, scale)),
                FloatConst(Helper("beta"), TensorData.Create(vector, bias)),
                FloatConst(Helper("moving_mean"), TensorData.Create(vector, mean)),
                FloatConst(Helper("moving_variance"), TensorData.Create(vector, variance)),
            ];
            Define(EmitFloat(
                "FusedBatchNormV3",
                OutputName,
                inputs,
                ("U", TfAttr.Float()),
                ("epsilon", TfAttr.Real(epsilon)),
                ("is_training", TfAttr.Bool(false)),
                ("data_format", TfAttr.Str("NHWC"))));
            return;
        }

        // y = x * a + b with a = scale / D, b = bias - mean * a; D = sqrt(var + eps) or sqrt(var) + eps (Darknet).
        float[] a = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            double d = insideSqrt ? Math.Sqrt(variance[i] + epsilon) : Math.Sqrt(variance[i]) + epsilon;
            a[i] = (float)(scale[i] / d);
            shift[i] = (float)(bias[i] - (mean[i] * (double)scale[i] / d));
        }

        ChannelAffine(x, a, shift);
    }

    /// <summary>x * a + b per channel (the TF last axis): Mul + BiasAdd.</summary>
    private void ChannelAffine(TfTensor x, float[] a, float[]? b)
    {
        if (x.Shape.Rank < 2 || x.Shape[1] != a.Length || (x.Shape.Rank != 4 && x.Shape.Rank != 2))
        {
            throw Error($"per-channel parameters of {a.Length} do not fit the input {x.Shape} (4-D NCHW or 2-D N x C)");
        }

        string scaled = EmitFloat("Mul", b is null ? OutputName : Helper("mul"), [x.Name, FloatConst(Helper("scale"), TensorData.Create(TensorShape.Of(a.Length), a))]);
        if (b is not null)
        {
            scaled = EmitFloat("BiasAdd", OutputName, [scaled, FloatConst(Helper("shift"), TensorData.Create(TensorShape.Of(b.Length), b))], ("data_format", TfAttr.Str("NHWC")));
        }

        Define(scaled);
    }

    private void Scale()
    {
        TfTensor x = In(0);
        if (Int("axis") != 1)
        {
            throw Error("only Scale along axis 1 (channels) can be written");
        }

        float[] a = Floats(Weight(1, "scale"));
        float[]? b = Init(2) is not null ? Floats(Weight(2, "bias")) : null;
        ChannelAffine(x, a, b);
    }

    private void Elu()
    {
        if (Real("alpha") != 1.0)
        {
            throw Error($"TensorFlow's Elu has alpha 1; alpha {Real("alpha")} cannot be written");
        }

        Define(EmitFloat("Elu", OutputName, [In(0).Name]));
    }

    private void Pool()
    {
        TfTensor x = In4D(0);
        bool max = _node.OpType == "MaxPool";
        long[] k = Ints("kernel_shape");
        long[] s = Ints("strides");
        long[] pads = Ints("pads");
        TensorShape y = ShapeOf(_node.Outputs[0]);
        long[] input = [x.Shape[2], x.Shape[3]];
        long[] output = [y[2], y[3]];

        // The padding the windows actually cover at the end (ceil mode can reach past the declared pads).
        long[] before = [pads[0], pads[1]];
        long[] after = new long[2];
        bool valid = true, same = true, insidePadded = true;
        for (int a = 0; a < 2; a++)
        {
            after[a] = Math.Max(0, ((output[a] - 1) * s[a]) + k[a] - input[a] - before[a]);
            valid &= before[a] == 0 && after[a] == 0 && output[a] == ((input[a] - k[a]) / s[a]) + 1;
            (long sb, long sa) = Same(input[a], k[a], s[a], 1);
            same &= output[a] == (input[a] + s[a] - 1) / s[a] && before[a] == sb && after[a] == sa;
            insidePadded &= after[a] <= pads[a + 2];
        }

        bool includePad = !max && Int("count_include_pad") != 0;
        string padding;
        string source = x.Name;
        if (valid)
        {
            padding = "VALID";
        }
        else if (same && (!includePad || pads.All(p => p == 0)))
        {
            // TF SAME ignores the padded cells: as a max pool does, and as an average pool without count_include_pad.
            padding = "SAME";
        }
        else if (max)
        {
            // Padding must never win the max: after a ReLU or sigmoid zero padding cannot (every window holds an
            // input pixel >= 0; OpenCV reads Pad); otherwise pad with the lowest float (PadV2). Then a VALID pool.
            padding = "VALID";
            source = PadSpatial(x.Name, before[0], before[1], after[0], after[1], NonNegative(_node.Inputs[0]) ? 0f : float.MinValue);
        }
        else if (includePad && insidePadded)
        {
            // Caffe's average pool counts the zero padding: pad with zeros, then a VALID pool.
            padding = "VALID";
            source = PadSpatial(x.Name, before[0], before[1], after[0], after[1], 0f);
        }
        else
        {
            throw Error($"average pooling with pads [{string.Join(", ", pads)}], ceil_mode {Int("ceil_mode")} and count_include_pad {Int("count_include_pad")} on {x.Shape[2]}x{x.Shape[3]} has no TensorFlow equivalent (SAME excludes padding; explicit zero padding counts it everywhere)");
        }

        Define(EmitFloat(
            max ? "MaxPool" : "AvgPool",
            OutputName,
            [source],
            ("ksize", TfAttr.Ints(1, k[0], k[1], 1)),
            ("strides", TfAttr.Ints(1, s[0], s[1], 1)),
            ("padding", TfAttr.Str(padding)),
            ("data_format", TfAttr.Str("NHWC"))));
    }

    /// <summary>True when the value is the output of an op whose results are never negative.</summary>
    private bool NonNegative(string value) => _graph.FindProducer(value)?.OpType is "Relu" or "Relu6" or "Sigmoid";

    private void GlobalAveragePool()
    {
        TfTensor x = In4D(0);
        string axes = IntConst(Helper("reduction_indices"), [1, 2]);
        Define(EmitFloat("Mean", OutputName, [x.Name, axes], ("Tidx", TfAttr.Int32()), ("keep_dims", TfAttr.Bool(true))));
    }

    private void GlobalMaxPool()
    {
        TfTensor x = In4D(0);
        Define(EmitFloat(
            "MaxPool",
            OutputName,
            [x.Name],
            ("ksize", TfAttr.Ints(1, x.Shape[2], x.Shape[3], 1)),
            ("strides", TfAttr.Ints(1, 1, 1, 1)),
            ("padding", TfAttr.Str("VALID")),
            ("data_format", TfAttr.Str("NHWC"))));
    }

    private string EmitReshape(string name, string x, IReadOnlyList<long> dims)
    {
        string shape = IntConst($"{name}/shape", dims);
        return Emit("Reshape", name, [x, shape], ("T", TfAttr.Float()), ("Tshape", TfAttr.Int32()));
    }

    private string EmitTranspose(string name, string x, params long[] perm)
    {
        string p = IntConst($"{name}/perm", perm);
        return Emit("Transpose", name, [x, p], ("T", TfAttr.Float()), ("Tperm", TfAttr.Int32()));
    }

    private void Flatten()
    {
        TfTensor x = In(0);
        TensorShape y = ShapeOf(_node.Outputs[0]);
        if (x.Shape.Rank != 4)
        {
            Define(x.Shape == y ? x.Name : EmitReshape(OutputName, x.Name, [.. y.Dimensions.Select(d => (long)d)]));
            return;
        }

        if (Int("axis") != 1)
        {
            throw Error($"only a Flatten at axis 1 of a 4-D tensor can be written, got axis {Int("axis")}");
        }

        (int c, int h, int w) = (x.Shape[1], x.Shape[2], x.Shape[3]);
        if (h == 1 && w == 1)
        {
            Define(EmitReshape(OutputName, x.Name, [x.Shape[0], -1]));
            return;
        }

        // TF users flatten NHWC in H, W, C order and permute the next MatMul's weight rows to match.
        bool onlyGemms = !_graph.Outputs.Contains(_node.Outputs[0])
            && _consumers.TryGetValue(_node.Outputs[0], out List<Node>? readers)
            && readers.All(r => r.OpType == "Gemm" && r.Inputs.Count >= 2 && r.Inputs[0] == _node.Outputs[0] && r.Inputs[1] != _node.Outputs[0]
                && _graph.Initializers.ContainsKey(r.Inputs[1]) && (!r.Attributes.TryGetValue("transA", out AttributeValue? ta) || ta.AsInt() == 0));
        if (onlyGemms)
        {
            Define(EmitReshape(OutputName, x.Name, [x.Shape[0], -1]), (c, h, w));
            return;
        }

        string nchw = EmitTranspose(Helper("nchw"), x.Name, 0, 3, 1, 2);
        Define(EmitReshape(OutputName, nchw, [x.Shape[0], -1]));
    }

    private void Gemm()
    {
        TfTensor a = Tensor(_node.Inputs[0], "input 0");
        if (a.Shape.Rank != 2)
        {
            throw Error($"input A must be 2-D, got {a.Shape}");
        }

        if (Int("transA") != 0)
        {
            throw Error("transA = 1 cannot be written (TF MatMul weights follow the activations)");
        }

        TensorData b = Weight(1, "weights B");
        bool transB = Int("transB") != 0;
        int k = a.Shape[1];
        int n = transB ? b.Shape[0] : b.Shape[1];
        if (b.Shape.Rank != 2 || (transB ? b.Shape[1] : b.Shape[0]) != k)
        {
            throw Error($"weights {b.Shape} do not match A {a.Shape} (transB {(transB ? 1 : 0)})");
        }

        float alpha = (float)Real("alpha");
        float[] src = Floats(b);
        float[] weights = new float[k * n];
        (int C, int H, int W)? flat = a.HwcFlat;
        for (int row = 0; row < k; row++)
        {
            // IR row (c, h, w) is TF row (h, w, c) when A is an H, W, C flatten.
            int tfRow = row;
            if (flat is { } f)
            {
                int c = row / (f.H * f.W), h = row / f.W % f.H, w = row % f.W;
                tfRow = (((h * f.W) + w) * f.C) + c;
            }

            for (int col = 0; col < n; col++)
            {
                float value = transB ? src[(col * k) + row] : src[(row * n) + col];
                weights[(tfRow * n) + col] = alpha == 1f ? value : alpha * value;
            }
        }

        bool hasBias = _node.Inputs.Count > 2 && _node.Inputs[2].Length > 0;
        string matmul = EmitFloat(
            "MatMul",
            hasBias ? Helper("MatMul") : OutputName,
            [a.Name, FloatConst(Helper("weights"), TensorData.Create(TensorShape.Of(k, n), weights))],
            ("transpose_a", TfAttr.Bool(false)),
            ("transpose_b", TfAttr.Bool(false)));
        if (hasBias)
        {
            TensorData c = Weight(2, "bias C");
            float beta = (float)Real("beta");
            float[] cv = Floats(c);
            if (c.ElementCount != n && c.ElementCount != 1)
            {
                throw Error($"bias C {c.Shape} must be a scalar or one value per output ({n})");
            }

            float[] bias = [.. Enumerable.Range(0, n).Select(i => beta * cv[cv.Length == 1 ? 0 : i])];
            matmul = EmitFloat("BiasAdd", OutputName, [matmul, FloatConst(Helper("bias"), TensorData.Create(TensorShape.Of(n), bias))], ("data_format", TfAttr.Str("NHWC")));
        }

        Define(matmul);
    }

    private void Concat()
    {
        TfTensor[] inputs = [.. Enumerable.Range(0, _node.Inputs.Count).Select(In)];
        int rank = inputs[0].Shape.Rank;
        long axis = Int("axis");
        axis = axis < 0 ? axis + rank : axis;
        long tfAxis = rank == 4 ? s_tfAxisOfIr[axis] : axis;
        if (inputs.Length == 1)
        {
            Define(inputs[0].Name);
            return;
        }

        string axisConst = IntConst(Helper("axis"), [tfAxis], scalar: true);
        Define(EmitFloat("ConcatV2", OutputName, [.. inputs.Select(t => t.Name), axisConst], ("N", TfAttr.Int(inputs.Length)), ("Tidx", TfAttr.Int32())));
    }

    private void Binary(string op)
    {
        if (_node.Inputs.Count != 2)
        {
            throw Error($"only two operands can be written, got {_node.Inputs.Count}");
        }

        bool constA = _graph.Initializers.ContainsKey(_node.Inputs[0]);
        bool constB = _graph.Initializers.ContainsKey(_node.Inputs[1]);
        if (constA && constB)
        {
            throw Error("both operands are constants; fold them before writing");
        }

        TfTensor data = In(constA ? 1 : 0);
        if (op == "Sub" && constA)
        {
            // c - x as (-1 * x) + c: exact, and readers that take Sub(c, x) as x - c (OpenCV) get it right.
            string negated = EmitFloat("Mul", Helper("negate"), [data.Name, FloatConst(Helper("minus_one"), TensorData.Create(TensorShape.Scalar, [-1f]))]);
            Define(EmitFloat("AddV2", OutputName, [negated, Operand(Init(0)!, data, 0)]));
            return;
        }

        if (op == "AddV2" && !constA && !constB)
        {
            // Two computed tensors: AddN, which no reader fuses into a preceding Mul or MatMul as its bias
            // (OpenCV takes Mul/MatMul + Add, and AddV2 renamed to Add, as scale + bias).
            op = "AddN";
        }

        string left = constA ? Operand(Init(0)!, data, 0) : data.Name;
        string right = constB ? Operand(Init(1)!, data, 1) : In(1).Name;
        if (!constA && !constB && In(1).Shape != data.Shape)
        {
            throw Error($"operands {data.Shape} and {In(1).Shape} differ; broadcasting between computed tensors is not written");
        }

        Define(op == "AddN" ? EmitFloat("AddN", OutputName, [left, right], ("N", TfAttr.Int(2))) : EmitFloat(op, OutputName, [left, right]));
    }

    /// <summary>A constant operand in TF layout: a scalar, one value per channel, or a full tensor (4-D transposed to NHWC).</summary>
    private string Operand(TensorData c, TfTensor data, int index)
    {
        if (c.DataType != Converters.Ir.DataType.Float32)
        {
            throw Error($"constant operand {index} must be float32, got {c}");
        }

        string name = Helper($"operand{index}");
        if (c.ElementCount == 1)
        {
            return FloatConst(name, c.Reshape(TensorShape.Scalar));
        }

        int rank = data.Shape.Rank;
        int channels = rank >= 2 ? data.Shape[1] : -1;
        bool perChannel = rank is 2 or 4 && c.ElementCount == channels
            && (c.Shape.Rank == 1 ? rank == 2 || rank == 4 : c.Shape.Dimensions.Select((d, i) => (d, i)).All(p => p.d == 1 || p.i == c.Shape.Rank - rank + 1));
        if (perChannel)
        {
            return FloatConst(name, c.Reshape(TensorShape.Of(channels)));
        }

        if (c.Shape == data.Shape)
        {
            return FloatConst(name, rank == 4 ? ToNhwc(c) : c);
        }

        throw Error($"constant operand {index} {c.Shape} must be a scalar, one value per channel ({channels}) or the full shape {data.Shape}");
    }

    private static TensorData ToNhwc(TensorData t)
    {
        (int n, int c, int h, int w) = (t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]);
        float[] src = Floats(t);
        float[] dst = new float[src.Length];
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        dst[(((((b * h) + y) * w) + x) * c) + ch] = src[(((((b * c) + ch) * h) + y) * w) + x];
                    }
                }
            }
        }

        return TensorData.Create(TensorShape.Of(n, h, w, c), dst);
    }

    private void Shortcut()
    {
        if (Attr("weights_type").AsString() != "none" || Real("alpha") != 1.0 || Real("beta") != 1.0 || _node.Inputs.Count != 2)
        {
            throw Error("only a Shortcut of two inputs without weights (alpha = beta = 1) can be written");
        }

        TfTensor a = In(0);
        TfTensor b = In(1);
        if (a.Shape != b.Shape)
        {
            throw Error($"a Shortcut of {a.Shape} and {b.Shape} (different channels) has no TensorFlow equivalent in this writer");
        }

        Define(EmitFloat("AddN", OutputName, [a.Name, b.Name], ("N", TfAttr.Int(2))));
    }

    private void Softmax()
    {
        TfTensor x = In(0);
        int rank = x.Shape.Rank;
        long axis = Int("axis");
        axis = axis < 0 ? axis + rank : axis;
        long tfAxis = rank == 4 ? s_tfAxisOfIr[axis] : axis;
        if (tfAxis != rank - 1)
        {
            throw Error($"TensorFlow's Softmax normalises the last axis; IR axis {axis} of {x.Shape} is TF axis {tfAxis}");
        }

        if (Real("temperature") != 1.0 || _node.Attributes.ContainsKey("group_sizes"))
        {
            throw Error("a Softmax with a temperature or group_sizes cannot be written");
        }

        Define(EmitFloat("Softmax", OutputName, [x.Name]));
    }

    private void Upsample()
    {
        TfTensor x = In4D(0);
        long[] scales = Ints("scales");
        string size = IntConst(Helper("size"), [x.Shape[2] * scales[0], x.Shape[3] * scales[1]]);
        Define(EmitFloat("ResizeNearestNeighbor", OutputName, [x.Name, size], ("align_corners", TfAttr.Bool(false)), ("half_pixel_centers", TfAttr.Bool(false))));
    }

    private void SpaceToDepth()
    {
        TfTensor x = In4D(0);
        Define(EmitFloat("SpaceToDepth", OutputName, [x.Name], ("block_size", TfAttr.Int(Int("blocksize"))), ("data_format", TfAttr.Str("NHWC"))));
    }

    private void Reshape()
    {
        TfTensor x = In(0);
        TensorShape y = ShapeOf(_node.Outputs[0]);
        string source = x.Shape.Rank == 4 ? EmitTranspose(Helper("nchw"), x.Name, 0, 3, 1, 2) : x.Name;
        if (y.Rank != 4)
        {
            Define(EmitReshape(OutputName, source, [.. y.Dimensions.Select(d => (long)d)]));
            return;
        }

        string reshaped = EmitReshape(Helper("reshape"), source, [.. y.Dimensions.Select(d => (long)d)]);
        Define(EmitTranspose(OutputName, reshaped, 0, 2, 3, 1));
    }

    private void Transpose()
    {
        TfTensor x = In(0);
        int rank = x.Shape.Rank;
        long[] perm = _node.Attributes.ContainsKey("perm") ? Ints("perm") : [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
        long[] tfPerm = new long[rank];
        for (int j = 0; j < rank; j++)
        {
            // TF output axis j = IR output axis L[j] = IR input axis perm[L[j]] = TF input axis M[perm[L[j]]].
            tfPerm[j] = rank == 4 ? s_tfAxisOfIr[perm[s_irAxisOfTf[j]]] : perm[j];
        }

        Define(EmitTranspose(OutputName, x.Name, tfPerm));
    }

    private void Pad()
    {
        TfTensor x = In(0);
        int rank = x.Shape.Rank;
        long[] pads = Ints("pads");
        string mode = Attr("mode").AsString();
        float value = (float)Real("value");
        var paddings = new TensorProto { Dtype = Tensorflow.DataType.DtInt32, TensorShape = ShapeProto([rank, 2]) };
        for (int j = 0; j < rank; j++)
        {
            int a = rank == 4 ? s_irAxisOfTf[j] : j;
            paddings.IntVal.Add(checked((int)pads[a]));
            paddings.IntVal.Add(checked((int)pads[rank + a]));
        }

        string p = Emit("Const", Helper("paddings"), [], ("dtype", TfAttr.Int32()), ("value", new AttrValue { Tensor = paddings }));
        string result = mode switch
        {
            "constant" when value == 0 => EmitFloat("Pad", OutputName, [x.Name, p], ("Tpaddings", TfAttr.Int32())),
            "constant" => EmitFloat("PadV2", OutputName, [x.Name, p, FloatConst(Helper("constant_values"), TensorData.Create(TensorShape.Scalar, [value]))], ("Tpaddings", TfAttr.Int32())),
            "reflect" => EmitFloat("MirrorPad", OutputName, [x.Name, p], ("Tpaddings", TfAttr.Int32()), ("mode", TfAttr.Str("REFLECT"))),
            _ => throw Error($"Pad mode '{mode}' has no TensorFlow equivalent"),
        };
        Define(result);
    }

    private void Slice()
    {
        TfTensor x = In(0);
        int rank = x.Shape.Rank;
        long[] axes = Ints("axes");
        long[] starts = Ints("starts");
        long[] ends = Ints("ends");
        if (_node.Attributes.ContainsKey("steps") && Ints("steps").Any(s => s != 1))
        {
            throw Error("a Slice with steps other than 1 cannot be written (TF Slice)");
        }

        long[] begin = new long[rank];
        long[] size = [.. Enumerable.Repeat(-1L, rank)];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
            long n = x.Shape[a];
            long s = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            long e = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], 0, n);
            int j = rank == 4 ? s_tfAxisOfIr[a] : a;
            begin[j] = s;
            size[j] = e - s;
        }

        string b = IntConst(Helper("begin"), begin);
        string z = IntConst(Helper("size"), size);
        Define(EmitFloat("Slice", OutputName, [x.Name, b, z], ("Index", TfAttr.Int32())));
    }

    /// <summary>
    /// Darknet [yolo]: logistic on x, y, objectness and classes, raw w, h (then the scale_x_y affine on x, y):
    /// written as y = Sigmoid(x) * A + x * B + C with per-channel constants (A = 1 or scale_x_y, B = 0 or 1),
    /// which gives Darknet's values exactly for finite x.
    /// </summary>
    private void Yolo()
    {
        TfTensor x = In4D(0);
        long classes = Int("classes");
        bool newCoords = Int("new_coords") != 0;
        double scaleXy = Real("scale_x_y");
        int per = (int)classes + 5;
        int channels = x.Shape[1];
        float[] a = new float[channels], b = new float[channels], c = new float[channels];
        for (int ch = 0; ch < channels; ch++)
        {
            int e = ch % per;
            bool logistic = !newCoords && (e < 2 || e >= 4);
            bool xy = e < 2;
            float gain = xy ? (float)scaleXy : 1f;
            a[ch] = logistic ? gain : 0f;
            b[ch] = logistic ? 0f : gain;
            c[ch] = xy ? (float)(-0.5 * (scaleXy - 1)) : 0f;
        }

        MaskedLogistic(x, a, b, c);
    }

    /// <summary>
    /// Darknet [region]: logistic on x, y and objectness, other coordinates raw; the classes get a logistic, or with
    /// <c>softmax</c> a softmax per anchor: the masked construction on all channels, then per anchor a Slice of its
    /// coordinates and objectness and a Softmax of a Slice of its classes, joined by ConcatV2 on the channel axis.
    /// </summary>
    private void Region()
    {
        TfTensor x = In4D(0);
        if (_node.Attributes.ContainsKey("group_sizes"))
        {
            throw Error("a Region with a class tree (group_sizes) has no TensorFlow primitive equivalent in this writer");
        }

        bool softmax = Int("softmax") != 0;
        int coords = (int)Int("coords");
        int classes = (int)Int("classes");
        int num = (int)Int("num");
        int per = coords + classes + 1;
        int channels = x.Shape[1];
        float[] a = new float[channels], b = new float[channels], c = new float[channels];
        for (int ch = 0; ch < channels; ch++)
        {
            int e = ch % per;
            bool logistic = e < 2 || e == coords || (e > coords && !softmax);
            a[ch] = logistic ? 1f : 0f;
            b[ch] = logistic ? 0f : 1f;
        }

        if (!softmax)
        {
            MaskedLogistic(x, a, b, c);
            return;
        }

        string activated = MaskedLogisticNode(x, a, b, c, Helper("activated_all"));
        var pieces = new List<string>();
        for (int n = 0; n < num; n++)
        {
            pieces.Add(SliceChannels(activated, x.Shape, n * per, coords + 1, $"anchor{n}/boxes"));
            string logits = SliceChannels(x.Name, x.Shape, (n * per) + coords + 1, classes, $"anchor{n}/logits");
            pieces.Add(EmitFloat("Softmax", Helper($"anchor{n}/classes"), [logits]));
        }

        string axis = IntConst(Helper("axis"), [3], scalar: true);
        Define(EmitFloat("ConcatV2", OutputName, [.. pieces, axis], ("N", TfAttr.Int(pieces.Count)), ("Tidx", TfAttr.Int32())));
    }

    /// <summary>A Slice of <paramref name="count"/> channels from <paramref name="start"/> of a 4-D NHWC tensor.</summary>
    private string SliceChannels(string x, TensorShape shape, int start, int count, string suffix)
    {
        string begin = IntConst(Helper(suffix + "/begin"), [0, 0, 0, start]);
        string size = IntConst(Helper(suffix + "/size"), [shape[0], shape[2], shape[3], count]);
        return EmitFloat("Slice", Helper(suffix), [x, begin, size], ("Index", TfAttr.Int32()));
    }

    private void MaskedLogistic(TfTensor x, float[] a, float[] b, float[] c) => Define(MaskedLogisticNode(x, a, b, c, OutputName));

    private string MaskedLogisticNode(TfTensor x, float[] a, float[] b, float[] c, string name)
    {
        TensorShape vector = TensorShape.Of(a.Length);
        string sigmoid = EmitFloat("Sigmoid", Helper("Sigmoid"), [x.Name]);
        string activated = EmitFloat("Mul", Helper("activated"), [sigmoid, FloatConst(Helper("activated_mask"), TensorData.Create(vector, a))]);
        string raw = EmitFloat("Mul", Helper("raw"), [x.Name, FloatConst(Helper("raw_mask"), TensorData.Create(vector, b))]);
        bool offset = c.Any(v => v != 0);
        string sum = EmitFloat("AddN", offset ? Helper("sum") : name, [activated, raw], ("N", TfAttr.Int(2)));
        return offset
            ? EmitFloat("BiasAdd", name, [sum, FloatConst(Helper("offset"), TensorData.Create(vector, c))], ("data_format", TfAttr.Str("NHWC")))
            : sum;
    }
}
