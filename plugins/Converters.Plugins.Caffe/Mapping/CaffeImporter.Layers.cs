using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Proto;

namespace Converters.Plugins.Caffe.Mapping;

/// <summary>The mapping of each supported Caffe layer type to IR nodes.</summary>
internal sealed partial class CaffeImporter
{
    /// <summary>Layer types this plugin imports (besides Input and the training-only layers it keeps as metadata).</summary>
    public static readonly string[] SupportedTypes =
    [
        "BatchNorm", "Bias", "Concat", "Convolution", "Crop", "Deconvolution", "Dropout", "ELU", "Eltwise", "Flatten",
        "InnerProduct", "LRN", "Permute", "Pooling", "Power", "PReLU", "ReLU", "Reshape", "Scale", "Sigmoid", "Slice",
        "Softmax", "Split", "TanH",
    ];

    private void MapLayer()
    {
        switch (_layer.Type)
        {
            case "Convolution": MapConvolution(transposed: false); break;
            case "Deconvolution": MapConvolution(transposed: true); break;
            case "InnerProduct": MapInnerProduct(); break;
            case "BatchNorm": MapBatchNorm(); break;
            case "Scale": MapScale(); break;
            case "Bias": MapBias(); break;
            case "Pooling": MapPooling(); break;
            case "ReLU":
                float slope = _layer.ReluParam?.NegativeSlope ?? 0f;
                Node relu = Emit(slope == 0f ? "Relu" : "LeakyRelu", null, [Bottom(0)], [Top(0)]);
                if (slope != 0f)
                {
                    relu.Attributes["alpha"] = (double)slope;
                }

                break;
            case "PReLU": MapPRelu(); break;
            case "Sigmoid": Emit("Sigmoid", null, [Bottom(0)], [Top(0)]); break;
            case "TanH": Emit("Tanh", null, [Bottom(0)], [Top(0)]); break;
            case "ELU": Emit("Elu", null, [Bottom(0)], [Top(0)]).Attributes["alpha"] = (double)(_layer.EluParam?.Alpha ?? 1f); break;
            case "Eltwise": MapEltwise(); break;
            case "Concat": MapConcat(); break;
            case "Slice": MapSlice(); break;
            case "Split":
                string input = Bottom(0);
                for (int i = 0; i < _layer.Top.Count; i++)
                {
                    Emit("Identity", i == 0 ? null : i.ToString(CultureInfo.InvariantCulture), [input], [Top(i)]);
                }

                break;
            case "Flatten": MapFlatten(); break;
            case "Reshape": MapReshape(); break;
            case "Softmax":
                string x = Bottom(0);
                Emit("Softmax", null, [x], [Top(0)]).Attributes["axis"] = (long)Axis(_layer.SoftmaxParam?.Axis ?? 1, ShapeOf(x).Rank, "softmax_param.axis");
                break;
            case "LRN": MapLrn(); break;
            case "Dropout": Emit("Dropout", null, [Bottom(0)], [Top(0)]).Attributes["ratio"] = (double)(_layer.DropoutParam?.DropoutRatio ?? 0.5f); break;
            case "Power":
                PowerParameter power = _layer.PowerParam ?? new PowerParameter();
                Node p = Emit("Power", null, [Bottom(0)], [Top(0)]);
                p.Attributes["power"] = (double)power.Power;
                p.Attributes["scale"] = (double)power.Scale;
                p.Attributes["shift"] = (double)power.Shift;
                break;
            case "Crop": MapCrop(); break;
            case "Permute": MapPermute(); break;
            default:
                throw new UnsupportedOperatorException(_layer.Type, SupportedTypes)
                {
                    FilePath = _path,
                    Line = _doc.Find(_origins[_index], _origins[_index] is V1LayerParameter ? V1LayerParameter.TypeFieldNumber : LayerParameter.TypeFieldNumber)?.Line,
                    Column = _doc.Find(_origins[_index], _origins[_index] is V1LayerParameter ? V1LayerParameter.TypeFieldNumber : LayerParameter.TypeFieldNumber)?.Column,
                    FieldPath = $"{_prefix}[{_index}].type",
                };
        }

        if (_layer.Top.Count > _pendingTops.Count && _layer.Type != "Split")
        {
            throw LayerError("top", $"{_layer.Type} produces {_pendingTops.Count} top(s), the layer lists {_layer.Top.Count}");
        }
    }

    private int Axis(int axis, int rank, string field)
    {
        int a = axis < 0 ? axis + rank : axis;
        return a < 0 || a >= rank ? throw LayerError(field, $"axis {axis} is out of range for a rank-{rank} input") : a;
    }

    private (int H, int W) Pair(uint[] values, bool hasH, uint h, bool hasW, uint w, int fallback, string field, bool required)
    {
        if (hasH || hasW)
        {
            if (!(hasH && hasW) || values.Length > 0)
            {
                throw LayerError(field, $"give either '{field}' or both '{field.Replace("_size", string.Empty, StringComparison.Ordinal)}_h' and '_w'");
            }

            return (Checked(h, field), Checked(w, field));
        }

        return values.Length switch
        {
            0 when required => throw LayerError(field, $"'{field}' is required"),
            0 => (fallback, fallback),
            1 => (Checked(values[0], field), Checked(values[0], field)),
            2 => (Checked(values[0], field), Checked(values[1], field)),
            _ => throw LayerError(field, $"2-D layers take 1 or 2 values of '{field}', got {values.Length}"),
        };
    }

    private int Checked(uint value, string field) => value > 1 << 20 ? throw LayerError(field, $"{value} is too large") : (int)value;

    private void MapConvolution(bool transposed)
    {
        ConvolutionParameter p = _layer.ConvolutionParam ?? throw LayerError("convolution_param", "convolution_param is required");
        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        if (xs.Rank != 4)
        {
            throw LayerError(null, $"only 2-D convolution (4-D NCHW input) is supported, the input is {xs}");
        }

        if (p.Axis != 1)
        {
            throw LayerError("convolution_param.axis", $"only axis 1 (channels) is supported, got {p.Axis}");
        }

        if (!p.HasNumOutput || p.NumOutput == 0 || p.NumOutput > 1 << 20)
        {
            throw LayerError("convolution_param.num_output", $"'num_output' must be a positive count, got {(p.HasNumOutput ? p.NumOutput : "nothing")}");
        }

        (int kh, int kw) = Pair([.. p.KernelSize], p.HasKernelH, p.KernelH, p.HasKernelW, p.KernelW, 0, "convolution_param.kernel_size", required: true);
        (int sh, int sw) = Pair([.. p.Stride], p.HasStrideH, p.StrideH, p.HasStrideW, p.StrideW, 1, "convolution_param.stride", required: false);
        (int ph, int pw) = Pair([.. p.Pad], p.HasPadH, p.PadH, p.HasPadW, p.PadW, 0, "convolution_param.pad", required: false);
        (int dh, int dw) = Pair([.. p.Dilation], false, 0, false, 0, 1, "convolution_param.dilation", required: false);
        if (kh == 0 || kw == 0 || sh == 0 || sw == 0 || dh == 0 || dw == 0)
        {
            throw LayerError("convolution_param.kernel_size", "kernel, stride and dilation must be positive");
        }

        int group = checked((int)p.Group);
        int outputs = (int)p.NumOutput;
        int channels = xs[1];
        if (group <= 0 || channels % group != 0 || outputs % group != 0)
        {
            throw LayerError("convolution_param.group", $"'group' {p.Group} must divide the input channels {channels} and num_output {outputs}");
        }

        ExpectBlobs(p.BiasTerm ? 2 : 1, p.BiasTerm ? "weights, bias" : "weights");
        TensorShape ws = transposed ? TensorShape.Of(channels, outputs / group, kh, kw) : TensorShape.Of(outputs, channels / group, kh, kw);
        string w = Blob(0, "weight", ws);
        List<string> inputs = [x, w];
        if (p.BiasTerm)
        {
            inputs.Add(Blob(1, "bias", TensorShape.Of(outputs)));
        }

        Node node = Emit(transposed ? "ConvTranspose" : "Conv", null, inputs, [Top(0)]);
        node.Attributes["strides"] = AttributeValue.FromInts(sh, sw);
        node.Attributes["pads"] = AttributeValue.FromInts(ph, pw, ph, pw);
        node.Attributes["dilations"] = AttributeValue.FromInts(dh, dw);
        node.Attributes["group"] = (long)group;
    }

    private void MapInnerProduct()
    {
        InnerProductParameter p = _layer.InnerProductParam ?? throw LayerError("inner_product_param", "inner_product_param is required");
        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        int axis = Axis(p.Axis, xs.Rank, "inner_product_param.axis");
        if (axis != 1)
        {
            throw LayerError("inner_product_param.axis", $"only axis 1 is supported, got {p.Axis}");
        }

        if (!p.HasNumOutput || p.NumOutput == 0 || p.NumOutput > 1 << 24)
        {
            throw LayerError("inner_product_param.num_output", "'num_output' must be a positive count");
        }

        int n = (int)p.NumOutput;
        long k = xs.ElementCount / xs[0];
        if (k > int.MaxValue)
        {
            throw LayerError(null, "the input has too many values per sample");
        }

        ExpectBlobs(p.BiasTerm ? 2 : 1, p.BiasTerm ? "weights, bias" : "weights");
        string a = x;
        if (xs.Rank != 2)
        {
            a = Intermediate("flatten");
            Emit("Flatten", "flatten", [x], [a]).Attributes["axis"] = 1L;
        }

        string w = Blob(0, "weight", p.Transpose ? TensorShape.Of((int)k, n) : TensorShape.Of(n, (int)k));
        List<string> inputs = [a, w];
        if (p.BiasTerm)
        {
            inputs.Add(Blob(1, "bias", TensorShape.Of(n)));
        }

        Emit("Gemm", null, inputs, [Top(0)]).Attributes["transB"] = p.Transpose ? 0L : 1L;
    }

    private void MapBatchNorm()
    {
        BatchNormParameter p = _layer.BatchNormParam ?? new BatchNormParameter();
        if (p.HasUseGlobalStats && !p.UseGlobalStats)
        {
            throw LayerError("batch_norm_param.use_global_stats", "use_global_stats: false normalises with the batch's own statistics, which inference does not do; set it to true (or remove it)");
        }

        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        if (xs.Rank < 2)
        {
            throw LayerError(null, $"BatchNorm needs an input with channels, got {xs}");
        }

        int c = xs[1];
        ExpectBlobs(3, "mean sums, variance sums, scale factor");
        TensorData mean = BlobData(0, "mean", TensorShape.Of(c));
        TensorData variance = BlobData(1, "variance", TensorShape.Of(c));
        TensorData factorBlob = BlobData(2, "factor", TensorShape.Of(1));
        float factor = _source is null ? 1f : factorBlob.AsSpan<float>()[0];

        // Caffe (and OpenCV): s = factor == 0 ? 0 : 1 / factor; mean = sum * s, variance = sum * s.
        float s = factor == 0f ? 0f : 1f / factor;
        Node? head = null;
        TensorData scaledMean = Scaled(mean, s);
        TensorData scaledVariance = Scaled(variance, s);
        string gamma = Constant("scale", Filled(c, 1f));
        string beta = Constant("bias", Filled(c, 0f));
        string m = Constant("mean", scaledMean);
        string v = Constant("var", scaledVariance);
        head = Emit("BatchNormalization", null, [x, gamma, beta, m, v], [Top(0)]);
        head.Attributes["epsilon"] = (double)p.Eps;
        head.Attributes["epsilon_mode"] = "variance";
        if (_source is not null)
        {
            head.Metadata[CaffeMetadata.BatchNormFactor] = (double)factor;
            if (factor != 1f)
            {
                head.Metadata[CaffeMetadata.BatchNormSums] = AttributeValue.FromFloats([.. mean.AsSpan<float>().ToArray().Select(f => (double)f), .. variance.AsSpan<float>().ToArray().Select(f => (double)f)]);
            }
        }
    }

    internal static TensorData Scaled(TensorData t, float s)
    {
        float[] values = t.AsSpan<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= s;
        }

        return TensorData.Create(t.Shape, values);
    }

    private static TensorData Filled(int count, float value)
    {
        float[] values = new float[count];
        Array.Fill(values, value);
        return TensorData.Create(TensorShape.Of(count), values);
    }

    private void MapScale()
    {
        ScaleParameter p = _layer.ScaleParam ?? new ScaleParameter();
        if (_layer.Bottom.Count > 1)
        {
            throw LayerError("bottom", "Scale with a second bottom (the scale as a blob) is not supported; store the scale as the layer's blob");
        }

        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        int axis = Axis(p.Axis, xs.Rank, "scale_param.axis");
        if (axis != 1 || p.NumAxes != 1)
        {
            throw LayerError("scale_param.axis", $"only a per-channel Scale (axis 1, num_axes 1) is supported, got axis {p.Axis}, num_axes {p.NumAxes}");
        }

        ExpectBlobs(p.BiasTerm ? 2 : 1, p.BiasTerm ? "scale, bias" : "scale");
        List<string> inputs = [x, Blob(0, "scale", TensorShape.Of(xs[1]))];
        if (p.BiasTerm)
        {
            inputs.Add(Blob(1, "bias", TensorShape.Of(xs[1])));
        }

        Emit("Scale", null, inputs, [Top(0)]).Attributes["axis"] = 1L;
    }

    private void MapBias()
    {
        BiasParameter p = _layer.BiasParam ?? new BiasParameter();
        if (_layer.Bottom.Count > 1)
        {
            throw LayerError("bottom", "Bias with a second bottom is not supported; store the bias as the layer's blob");
        }

        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        int axis = Axis(p.Axis, xs.Rank, "bias_param.axis");
        if (axis != 1 || p.NumAxes != 1)
        {
            throw LayerError("bias_param.axis", $"only a per-channel Bias (axis 1, num_axes 1) is supported, got axis {p.Axis}, num_axes {p.NumAxes}");
        }

        ExpectBlobs(1, "bias");
        string bias = Blob(0, "bias", TensorShape.Of(xs[1]));
        string ones = Constant("ones", Filled(xs[1], 1f));
        Emit("Scale", null, [x, ones, bias], [Top(0)]).Attributes["axis"] = 1L;
    }

    private void MapPooling()
    {
        PoolingParameter p = _layer.PoolingParam ?? throw LayerError("pooling_param", "pooling_param is required");
        if (p.Pool == PoolingParameter.Types.PoolMethod.Stochastic)
        {
            throw LayerError("pooling_param.pool", "STOCHASTIC pooling is not supported; use MAX or AVE");
        }

        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        if (xs.Rank != 4)
        {
            throw LayerError(null, $"pooling needs a 4-D NCHW input, got {xs}");
        }

        bool max = p.Pool == PoolingParameter.Types.PoolMethod.Max;
        if (p.GlobalPooling)
        {
            Emit(max ? "GlobalMaxPool" : "GlobalAveragePool", null, [x], [Top(0)]);
            return;
        }

        (int kh, int kw) = Pair(p.HasKernelSize ? [p.KernelSize] : [], p.HasKernelH, p.KernelH, p.HasKernelW, p.KernelW, 0, "pooling_param.kernel_size", required: true);
        (int sh, int sw) = Pair(p.HasStrideH || p.HasStrideW ? [] : [p.Stride], p.HasStrideH, p.StrideH, p.HasStrideW, p.StrideW, 1, "pooling_param.stride", required: false);
        (int ph, int pw) = Pair(p.HasPadH || p.HasPadW ? [] : [p.Pad], p.HasPadH, p.PadH, p.HasPadW, p.PadW, 0, "pooling_param.pad", required: false);
        if (kh == 0 || kw == 0 || sh == 0 || sw == 0)
        {
            throw LayerError("pooling_param.kernel_size", "kernel and stride must be positive");
        }

        if (ph >= kh || pw >= kw)
        {
            throw LayerError("pooling_param.pad", $"the padding ({ph}, {pw}) must be smaller than the kernel ({kh}, {kw}), as Caffe requires");
        }

        Node node = Emit(max ? "MaxPool" : "AveragePool", null, [x], [Top(0)]);
        node.Attributes["kernel_shape"] = AttributeValue.FromInts(kh, kw);
        node.Attributes["strides"] = AttributeValue.FromInts(sh, sw);
        node.Attributes["pads"] = AttributeValue.FromInts(ph, pw, ph, pw);
        node.Attributes["ceil_mode"] = p.RoundMode == PoolingParameter.Types.RoundMode.Ceil ? 1L : 0L;
        if (p.HasRoundMode)
        {
            node.Metadata[CaffeMetadata.PoolRoundModeExplicit] = AttributeValue.FromInt(1);
        }
        if (!max)
        {
            // Caffe divides by the window clipped to the padded input: the engine's count_include_pad rule.
            node.Attributes["count_include_pad"] = 1L;
        }
    }

    private void MapPRelu()
    {
        PReLUParameter p = _layer.PreluParam ?? new PReLUParameter();
        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        ExpectBlobs(1, "slopes");
        string slope = Blob(0, "slope", TensorShape.Of(p.ChannelShared ? 1 : xs.Rank >= 2 ? xs[1] : 1));
        Emit("PRelu", null, [x, slope], [Top(0)]);
    }

    private void MapEltwise()
    {
        EltwiseParameter p = _layer.EltwiseParam ?? new EltwiseParameter();
        int n = _layer.Bottom.Count;
        if (n < 2)
        {
            throw LayerError("bottom", $"Eltwise needs at least 2 bottoms, got {n}");
        }

        string[] inputs = [.. Enumerable.Range(0, n).Select(Bottom)];
        string op = p.Operation switch
        {
            EltwiseParameter.Types.EltwiseOp.Prod => "Mul",
            EltwiseParameter.Types.EltwiseOp.Max => "Max",
            _ => "Add",
        };
        if (p.Coeff.Count > 0 && p.Operation != EltwiseParameter.Types.EltwiseOp.Sum)
        {
            throw LayerError("eltwise_param.coeff", "'coeff' applies to SUM only");
        }

        if (p.Coeff.Count > 0 && p.Coeff.Count != n)
        {
            throw LayerError("eltwise_param.coeff", $"{n} bottoms need {n} coefficients, got {p.Coeff.Count}");
        }

        if (p.Coeff.Any(c => c != 1f))
        {
            for (int i = 0; i < n; i++)
            {
                string c = Constant($"coeff{i}", TensorData.Create(TensorShape.Of(1), new[] { p.Coeff[i] }));
                string scaled = Intermediate($"scaled{i}");
                Emit("Mul", $"coeff{i}", [inputs[i], c], [scaled]);
                inputs[i] = scaled;
            }
        }

        string acc = inputs[0];
        for (int i = 1; i < n; i++)
        {
            string output = i == n - 1 ? Top(0) : Intermediate($"{op.ToLowerInvariant()}{i}");
            Emit(op, i == n - 1 ? null : $"{op.ToLowerInvariant()}{i}", [acc, inputs[i]], [output]);
            acc = output;
        }
    }

    private void MapConcat()
    {
        ConcatParameter p = _layer.ConcatParam ?? new ConcatParameter();
        string[] inputs = [.. Enumerable.Range(0, Math.Max(1, _layer.Bottom.Count)).Select(Bottom)];
        int rank = ShapeOf(inputs[0]).Rank;
        int axis = p.HasAxis || !p.HasConcatDim ? Axis(p.Axis, rank, "concat_param.axis") : Axis((int)p.ConcatDim, rank, "concat_param.concat_dim");
        Emit("Concat", null, inputs, [Top(0)]).Attributes["axis"] = (long)axis;
    }

    private void MapSlice()
    {
        SliceParameter p = _layer.SliceParam ?? new SliceParameter();
        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        int axis = p.HasAxis || !p.HasSliceDim ? Axis(p.Axis, xs.Rank, "slice_param.axis") : Axis((int)p.SliceDim, xs.Rank, "slice_param.slice_dim");
        int tops = _layer.Top.Count;
        var sizes = new List<long>();
        if (p.SlicePoint.Count > 0)
        {
            if (p.SlicePoint.Count != tops - 1)
            {
                throw LayerError("slice_param.slice_point", $"{tops} tops need {tops - 1} slice points, got {p.SlicePoint.Count}");
            }

            long previous = 0;
            foreach (uint point in p.SlicePoint.Append((uint)xs[axis]))
            {
                if (point <= previous || point > xs[axis])
                {
                    throw LayerError("slice_param.slice_point", $"slice points must increase within (0, {xs[axis]}), got {string.Join(", ", p.SlicePoint)}");
                }

                sizes.Add(point - previous);
                previous = point;
            }
        }
        else if (tops == 0 || xs[axis] % tops != 0)
        {
            throw LayerError("slice_param", $"without slice points, the axis size {xs[axis]} must divide by the {tops} tops");
        }

        Node node = Emit("Split", null, [x], [.. Enumerable.Range(0, tops).Select(Top)]);
        node.Attributes["axis"] = (long)axis;
        if (sizes.Count > 0)
        {
            node.Attributes["split"] = AttributeValue.FromInts(sizes);
        }
    }

    private void MapFlatten()
    {
        FlattenParameter p = _layer.FlattenParam ?? new FlattenParameter();
        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        int axis = Axis(p.Axis, xs.Rank, "flatten_param.axis");
        int end = Axis(p.EndAxis, xs.Rank, "flatten_param.end_axis");
        if (end < axis)
        {
            throw LayerError("flatten_param.end_axis", $"end_axis {p.EndAxis} comes before axis {p.Axis}");
        }

        if (end == xs.Rank - 1)
        {
            if (axis == 0)
            {
                Emit("Reshape", null, [x], [Top(0)]).Attributes["shape"] = AttributeValue.FromInts(checked((int)xs.ElementCount));
            }
            else if (axis == 1)
            {
                Emit("Flatten", null, [x], [Top(0)]).Attributes["axis"] = 1L;
            }
            else
            {
                List<int> kept = [.. xs.Dimensions.Take(axis)];
                kept.Add(checked((int)xs.Dimensions.Skip(axis).Aggregate(1L, (a, d) => a * d)));
                Emit("Reshape", null, [x], [Top(0)]).Attributes["shape"] = AttributeValue.FromInts([.. kept]);
            }

            return;
        }

        List<int> dims = [.. xs.Dimensions.Take(axis)];
        dims.Add(checked((int)xs.Dimensions.Skip(axis).Take(end - axis + 1).Aggregate(1L, (a, d) => a * d)));
        dims.AddRange(xs.Dimensions.Skip(end + 1));
        Emit("Reshape", null, [x], [Top(0)]).Attributes["shape"] = AttributeValue.FromInts([.. dims]);
    }

    private void MapReshape()
    {
        ReshapeParameter p = _layer.ReshapeParam ?? throw LayerError("reshape_param", "reshape_param is required");
        string x = Bottom(0);
        List<long> dims = ReshapeDims(ShapeOf(x), p, out string? problem) ?? throw LayerError(problem!.StartsWith("axis", StringComparison.Ordinal) ? "reshape_param.axis" : "reshape_param.shape", problem);
        Node node = Emit("Reshape", null, [x], [Top(0)]);
        node.Attributes["shape"] = AttributeValue.FromInts(dims);
        node.Metadata[CaffeMetadata.ReshapeSpec] = CaffeTextStyle.Print(p);
    }

    /// <summary>Caffe's Reshape: <c>shape</c> replaces axes [axis, axis + num_axes); 0 copies an input dim, -1 is inferred.</summary>
    internal static List<long>? ReshapeDims(TensorShape xs, ReshapeParameter p, out string? problem)
    {
        problem = null;
        BlobShape spec = p.Shape ?? new BlobShape();
        int rank = xs.Rank;
        int start = p.Axis < 0 ? p.Axis + rank + 1 : p.Axis;
        int count = p.NumAxes == -1 ? rank - start : p.NumAxes;
        if (start < 0 || start > rank || count < 0 || start + count > rank)
        {
            problem = $"axis {p.Axis} and num_axes {p.NumAxes} do not fit a rank-{rank} input";
            return null;
        }

        var dims = new List<long>(xs.Dimensions.Take(start).Select(d => (long)d));
        int infer = -1;
        for (int i = 0; i < spec.Dim.Count; i++)
        {
            long d = spec.Dim[i];
            if (d == 0)
            {
                if (start + i >= rank)
                {
                    problem = $"dim {i} is 0 (copy) but the input has no axis {start + i}";
                    return null;
                }

                dims.Add(xs[start + i]);
            }
            else if (d == -1)
            {
                if (infer >= 0)
                {
                    problem = "at most one dim may be -1 (inferred)";
                    return null;
                }

                infer = dims.Count;
                dims.Add(1);
            }
            else if (d < 0 || d > int.MaxValue)
            {
                problem = $"dim {i} is {d}; dims are positive, 0 (copy) or -1 (infer)";
                return null;
            }
            else
            {
                dims.Add(d);
            }
        }

        dims.AddRange(xs.Dimensions.Skip(start + count).Select(d => (long)d));
        long known = 1;
        foreach (long d in dims)
        {
            known = d > 0 && known > long.MaxValue / d ? long.MaxValue : known * d;
        }

        if (infer >= 0)
        {
            if (known == 0 || xs.ElementCount % known != 0)
            {
                problem = $"cannot infer the -1 dim: {xs.ElementCount} values do not divide by {known}";
                return null;
            }

            dims[infer] = xs.ElementCount / known;
        }
        else if (known != xs.ElementCount)
        {
            problem = $"the shape has {known} values, the input {xs} has {xs.ElementCount}";
            return null;
        }

        return dims;
    }

    private void MapLrn()
    {
        LRNParameter p = _layer.LrnParam ?? new LRNParameter();
        if (p.LocalSize % 2 == 0 || p.LocalSize > 1 << 16)
        {
            throw LayerError("lrn_param.local_size", $"local_size must be odd, got {p.LocalSize}");
        }

        bool within = p.NormRegion == LRNParameter.Types.NormRegion.WithinChannel;
        Node node = Emit("LRN", null, [Bottom(0)], [Top(0)]);
        node.Attributes["size"] = (long)p.LocalSize;
        node.Attributes["alpha"] = (double)p.Alpha;
        node.Attributes["beta"] = (double)p.Beta;

        // Caffe's WITHIN_CHANNEL computes (1 + alpha/n^2 * sum)^beta: k takes no part there.
        node.Attributes["bias"] = within ? 1.0 : (double)p.K;
        node.Attributes["region"] = within ? "within" : "across";
    }

    private void MapCrop()
    {
        CropParameter p = _layer.CropParam ?? new CropParameter();
        if (_layer.Bottom.Count != 2)
        {
            throw LayerError("bottom", $"Crop needs 2 bottoms (the blob and the reference), got {_layer.Bottom.Count}");
        }

        string x = Bottom(0);
        TensorShape xs = ShapeOf(x);
        string referenceValue = Bottom(1);
        TensorShape reference = ShapeOf(referenceValue);
        _shapeReferences.Add(referenceValue);
        int axis = Axis(p.Axis, xs.Rank, "crop_param.axis");
        int n = xs.Rank - axis;
        if (p.Offset.Count is not (0 or 1) && p.Offset.Count != n)
        {
            throw LayerError("crop_param.offset", $"give 0, 1 or {n} offsets, got {p.Offset.Count}");
        }

        var axes = new List<long>();
        var starts = new List<long>();
        var ends = new List<long>();
        for (int i = 0; i < n; i++)
        {
            int a = axis + i;
            long offset = p.Offset.Count == 0 ? 0 : p.Offset[p.Offset.Count == 1 ? 0 : i];
            if (reference.Rank != xs.Rank || offset + reference[a] > xs[a])
            {
                throw LayerError("crop_param.offset", $"cropping {reference} at offset {offset} does not fit in {xs} (axis {a})");
            }

            axes.Add(a);
            starts.Add(offset);
            ends.Add(offset + reference[a]);
        }

        Node node = Emit("Slice", null, [x], [Top(0)]);
        node.Attributes["axes"] = AttributeValue.FromInts(axes);
        node.Attributes["starts"] = AttributeValue.FromInts(starts);
        node.Attributes["ends"] = AttributeValue.FromInts(ends);
        node.Metadata[CaffeMetadata.CropReference] = _layer.Bottom[1];
    }

    private void MapPermute()
    {
        PermuteParameter p = _layer.PermuteParam ?? new PermuteParameter();
        string x = Bottom(0);
        int rank = ShapeOf(x).Rank;
        var order = new List<long>();
        foreach (uint o in p.Order)
        {
            if (o >= rank || order.Contains(o))
            {
                throw LayerError("permute_param.order", $"order must list distinct axes below {rank}, got {string.Join(", ", p.Order)}");
            }

            order.Add(o);
        }

        for (long a = 0; a < rank; a++)
        {
            if (!order.Contains(a))
            {
                order.Add(a);
            }
        }

        Emit("Transpose", null, [x], [Top(0)]).Attributes["perm"] = AttributeValue.FromInts(order);
    }
}
