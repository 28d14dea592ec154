using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Mapping;
using Converters.Plugins.Caffe.Proto;
using Converters.Protobuf.Text;

namespace Converters.Plugins.Caffe.Writing;

/// <summary>The mapping of IR nodes (and node groups read from one Caffe layer) to Caffe layers.</summary>
internal sealed partial class CaffeExporter
{
    private void ExportGroup(List<Node> group)
    {
        string? type = Meta(group[0], CaffeMetadata.Type);
        if (group.Count > 1)
        {
            switch (type)
            {
                case "Eltwise": ExportEltwise(group); return;
                case "InnerProduct" when group.Count == 2 && group[0].OpType == "Flatten" && group[1].OpType == "Gemm":
                    ExportInnerProduct(group, group[0].Inputs[0]);
                    return;
                case "Split" when group.All(n => n.OpType == "Identity" && n.Inputs[0] == group[0].Inputs[0]):
                    ExportSplit(group);
                    return;
                default:
                    foreach (Node node in group)
                    {
                        ExportGroup([node]);
                    }

                    return;
            }
        }

        Node n = group[0];
        switch (n.OpType)
        {
            case "Conv" or "ConvTranspose": ExportConvolution(group, n); break;
            case "Gemm": ExportInnerProduct(group, n.Inputs[0]); break;
            case "BatchNormalization": ExportBatchNorm(group, n); break;
            case "Scale": ExportScale(group, n, type); break;
            case "MaxPool" or "AveragePool" or "GlobalMaxPool" or "GlobalAveragePool": ExportPooling(group, n); break;
            case "Relu": NewLayer(group, "ReLU", [n.Inputs[0]], n.Outputs); break;
            case "LeakyRelu":
                NewLayer(group, "ReLU", [n.Inputs[0]], n.Outputs).Layer.ReluParam = new ReLUParameter { NegativeSlope = (float)Float(n, "alpha", 0.01) };
                break;
            case "PRelu":
                ExportedLayer prelu = NewLayer(group, "PReLU", [n.Inputs[0]], n.Outputs);
                TensorData slope = Initializer(n, 1);
                if (slope.ElementCount == 1)
                {
                    prelu.Layer.PreluParam ??= new PReLUParameter();
                    prelu.Layer.PreluParam.ChannelShared = true;
                }

                AddBlob(prelu, n, slope);
                break;
            case "Sigmoid": NewLayer(group, "Sigmoid", [n.Inputs[0]], n.Outputs); break;
            case "Tanh": NewLayer(group, "TanH", [n.Inputs[0]], n.Outputs); break;
            case "Elu":
                double alpha = Float(n, "alpha", 1);
                ExportedLayer elu = NewLayer(group, "ELU", [n.Inputs[0]], n.Outputs);
                if (alpha != 1)
                {
                    elu.Layer.EluParam = new ELUParameter { Alpha = (float)alpha };
                }

                break;
            case "Add" or "Mul" or "Max": ExportEltwise(group); break;
            case "Concat":
                ExportedLayer concat = NewLayer(group, "Concat", n.Inputs, n.Outputs);
                long axis = Int(n, "axis", 1);
                if (axis != 1)
                {
                    concat.Layer.ConcatParam = new ConcatParameter { Axis = (int)axis };
                }

                break;
            case "Split": ExportSlice(group, n); break;
            case "Identity": ExportSplit(group); break;
            case "Flatten":
                long flattenAxis = Int(n, "axis", 1);
                ExportedLayer flatten = NewLayer(group, "Flatten", [n.Inputs[0]], n.Outputs);
                if (flattenAxis != 1)
                {
                    flatten.Layer.FlattenParam = new FlattenParameter { Axis = (int)flattenAxis };
                }

                break;
            case "Reshape":
                ExportedLayer reshape = NewLayer(group, "Reshape", [n.Inputs[0]], n.Outputs);
                reshape.Layer.ReshapeParam = OriginalReshape(n) ?? new ReshapeParameter { Shape = new BlobShape { Dim = { Ints(n, "shape") } } };
                break;
            case "Softmax":
                if (Float(n, "temperature", 1) != 1)
                {
                    throw Unexpressible(n, "a softmax temperature");
                }

                ExportedLayer softmax = NewLayer(group, "Softmax", [n.Inputs[0]], n.Outputs);
                long softmaxAxis = Int(n, "axis", 1);
                if (softmaxAxis != 1)
                {
                    softmax.Layer.SoftmaxParam = new SoftmaxParameter { Axis = (int)softmaxAxis };
                }

                break;
            case "LRN": ExportLrn(group, n); break;
            case "Dropout":
                ExportedLayer dropout = NewLayer(group, "Dropout", [n.Inputs[0]], n.Outputs);
                double ratio = Float(n, "ratio", 0.5);
                if (ratio != 0.5)
                {
                    dropout.Layer.DropoutParam = new DropoutParameter { DropoutRatio = (float)ratio };
                }

                break;
            case "Power":
                ExportedLayer power = NewLayer(group, "Power", [n.Inputs[0]], n.Outputs);
                var pp = new PowerParameter();
                double exponent = Float(n, "power", 1);
                double scale = Float(n, "scale", 1);
                double shift = Float(n, "shift", 0);
                if (exponent != 1)
                {
                    pp.Power = (float)exponent;
                }

                if (scale != 1)
                {
                    pp.Scale = (float)scale;
                }

                if (shift != 0)
                {
                    pp.Shift = (float)shift;
                }

                power.Layer.PowerParam = pp;
                break;
            case "Slice" when Meta(n, CaffeMetadata.CropReference) is string reference && _blobs.Contains(reference):
                ExportCrop(group, n, reference);
                break;
            case "Transpose":
                ExportedLayer permute = NewLayer(group, "Permute", [n.Inputs[0]], n.Outputs);
                permute.Layer.PermuteParam = new PermuteParameter();
                permute.Layer.PermuteParam.Order.AddRange(Ints(n, "perm").Select(p => (uint)p));
                break;
            default:
                throw new UnsupportedOperatorException(n.OpType, SupportedOps) { FieldPath = n.Name };
        }
    }

    private void ExportConvolution(List<Node> group, Node n)
    {
        bool transposed = n.OpType == "ConvTranspose";
        TensorData w = Initializer(n, 1);
        long[] pads = Ints(n, "pads", 0, 0, 0, 0);
        long[] strides = Ints(n, "strides", 1, 1);
        long[] dilations = Ints(n, "dilations", 1, 1);
        long group2 = Int(n, "group", 1);
        if (pads[0] != pads[2] || pads[1] != pads[3])
        {
            throw Unexpressible(n, $"asymmetric padding {string.Join(",", pads)}");
        }

        if (transposed && Ints(n, "output_padding", 0, 0).Any(p => p != 0))
        {
            throw Unexpressible(n, "output_padding");
        }

        bool bias = HasInput(n, 2);
        ExportedLayer layer = NewLayer(group, transposed ? "Deconvolution" : "Convolution", [n.Inputs[0]], n.Outputs);
        var p = new ConvolutionParameter { NumOutput = (uint)(transposed ? w.Shape[1] * group2 : w.Shape[0]) };
        if (!bias)
        {
            p.BiasTerm = false;
        }

        if (pads[0] == pads[1])
        {
            if (pads[0] != 0)
            {
                p.Pad.Add((uint)pads[0]);
            }
        }
        else
        {
            p.PadH = (uint)pads[0];
            p.PadW = (uint)pads[1];
        }

        if (w.Shape[2] == w.Shape[3])
        {
            p.KernelSize.Add((uint)w.Shape[2]);
        }
        else
        {
            p.KernelH = (uint)w.Shape[2];
            p.KernelW = (uint)w.Shape[3];
        }

        if (group2 != 1)
        {
            p.Group = (uint)group2;
        }

        if (strides[0] != strides[1])
        {
            p.StrideH = (uint)strides[0];
            p.StrideW = (uint)strides[1];
        }
        else if (strides[0] != 1)
        {
            p.Stride.Add((uint)strides[0]);
        }

        if (dilations[0] != 1 || dilations[1] != 1)
        {
            p.Dilation.Add((uint)dilations[0]);
            if (dilations[1] != dilations[0])
            {
                p.Dilation.Add((uint)dilations[1]);
            }
        }

        layer.Layer.ConvolutionParam = p;
        AddBlob(layer, group[0], w);
        if (bias)
        {
            AddBlob(layer, group[0], Initializer(n, 2));
        }
    }

    private void ExportInnerProduct(List<Node> group, string input)
    {
        Node gemm = group[^1];
        if (Int(gemm, "transA", 0) != 0 || Float(gemm, "alpha", 1) != 1 || Float(gemm, "beta", 1) != 1)
        {
            throw Unexpressible(gemm, "transA, alpha or beta other than 0, 1, 1");
        }

        TensorData w = Initializer(gemm, 1);
        bool transposed = Int(gemm, "transB", 0) == 0;
        bool bias = HasInput(gemm, 2);
        ExportedLayer layer = NewLayer(group, "InnerProduct", [input], gemm.Outputs);
        var p = new InnerProductParameter { NumOutput = (uint)(transposed ? w.Shape[1] : w.Shape[0]) };
        if (!bias)
        {
            p.BiasTerm = false;
        }

        if (transposed)
        {
            p.Transpose = true;
        }

        layer.Layer.InnerProductParam = p;
        AddBlob(layer, group[0], w);
        if (bias)
        {
            AddBlob(layer, group[0], Initializer(gemm, 2));
        }
    }

    private void ExportBatchNorm(List<Node> group, Node n)
    {
        TensorData gamma = Initializer(n, 1);
        TensorData beta = Initializer(n, 2);
        TensorData mean = Initializer(n, 3);
        TensorData variance = Initializer(n, 4);
        double epsilon = Float(n, "epsilon", 1e-5);
        string mode = n.Attributes.TryGetValue("epsilon_mode", out AttributeValue? m) ? m.AsString() : "variance";
        if (mode == "stddev")
        {
            // Darknet (pjreddie): (x - mean) / (sqrt(var) + eps). Caffe: sqrt(var' + eps'); choose var' = (sqrt(var) + eps)^2 - eps'.
            const float CaffeEpsilon = 1e-5f;
            float[] adjusted = variance.AsSpan<float>().ToArray();
            for (int i = 0; i < adjusted.Length; i++)
            {
                double d = Math.Sqrt(adjusted[i]) + epsilon;
                adjusted[i] = (float)Math.Max(0, (d * d) - CaffeEpsilon);
            }

            variance = TensorData.Create(variance.Shape, adjusted);
            epsilon = CaffeEpsilon;
        }

        bool affine = gamma.AsSpan<float>().ToArray().Any(g => g != 1f) || beta.AsSpan<float>().ToArray().Any(b => b != 0f);
        ExportedLayer layer = NewLayer(group, "BatchNorm", [n.Inputs[0]], affine ? [n.Outputs[0] + "/bn"] : n.Outputs);
        if ((float)epsilon != 1e-5f)
        {
            layer.Layer.BatchNormParam ??= new BatchNormParameter();
            layer.Layer.BatchNormParam.Eps = (float)epsilon;
        }

        // Write back the stored sums and factor when they still give these statistics bit for bit.
        float factor = 1f;
        TensorData meanBlob = mean;
        TensorData varianceBlob = variance;
        if (n.Metadata.TryGetValue(CaffeMetadata.BatchNormFactor, out AttributeValue? f) && mode == "variance")
        {
            float stored = (float)f.AsFloat();
            if (n.Metadata.TryGetValue(CaffeMetadata.BatchNormSums, out AttributeValue? sums) && sums.AsFloats().Length == mean.ElementCount * 2)
            {
                double[] all = [.. sums.AsFloats()];
                var sumMean = TensorData.Create(mean.Shape, all.Take((int)mean.ElementCount).Select(x => (float)x).ToArray());
                var sumVariance = TensorData.Create(mean.Shape, all.Skip((int)mean.ElementCount).Select(x => (float)x).ToArray());
                float s = stored == 0f ? 0f : 1f / stored;
                if (CaffeImporter.Scaled(sumMean, s).ContentEquals(mean) && CaffeImporter.Scaled(sumVariance, s).ContentEquals(variance))
                {
                    factor = stored;
                    meanBlob = sumMean;
                    varianceBlob = sumVariance;
                }
            }
        }

        AddBlob(layer, group[0], meanBlob);
        AddBlob(layer, group[0], varianceBlob);
        AddBlob(layer, group[0], TensorData.Create(TensorShape.Of(1), new[] { factor }));
        if (affine)
        {
            string bn = layer.Layer.Top[0];
            var scale = new LayerParameter { Name = LayerName(layer.Layer.Name + "_scale"), Type = "Scale", ScaleParam = new ScaleParameter { BiasTerm = true } };
            scale.Bottom.Add(bn);
            string top = Tops([n], n.Outputs, [bn])[0];
            scale.Top.Add(top);
            var exported = new ExportedLayer(scale, [], null);
            AddBlob(exported, n, gamma, gamma.Shape);
            AddBlob(exported, n, beta, beta.Shape);
            exported.Blobs.ForEach(b => b.Shape = new BlobShape { Dim = { gamma.Shape[0] } });
            exported.Blobs.ForEach(b => { b.ClearNum(); b.ClearChannels(); b.ClearHeight(); b.ClearWidth(); });
            _layers.Add(exported);
        }
    }

    private void ExportScale(List<Node> group, Node n, string? type)
    {
        if (Int(n, "axis", 1) != 1)
        {
            throw Unexpressible(n, "a Scale along an axis other than 1");
        }

        TensorData gamma = Initializer(n, 1);
        bool bias = HasInput(n, 2);
        if (type == "Bias" && bias && gamma.AsSpan<float>().ToArray().All(g => g == 1f))
        {
            ExportedLayer b = NewLayer(group, "Bias", [n.Inputs[0]], n.Outputs);
            AddBlob(b, n, Initializer(n, 2));
            return;
        }

        ExportedLayer layer = NewLayer(group, "Scale", [n.Inputs[0]], n.Outputs);
        if (bias)
        {
            layer.Layer.ScaleParam ??= new ScaleParameter();
            layer.Layer.ScaleParam.BiasTerm = true;
        }

        AddBlob(layer, n, gamma);
        if (bias)
        {
            AddBlob(layer, n, Initializer(n, 2));
        }
    }

    private void ExportPooling(List<Node> group, Node n)
    {
        bool max = n.OpType is "MaxPool" or "GlobalMaxPool";
        ExportedLayer layer = NewLayer(group, "Pooling", [n.Inputs[0]], n.Outputs);
        var p = new PoolingParameter { Pool = max ? PoolingParameter.Types.PoolMethod.Max : PoolingParameter.Types.PoolMethod.Ave };
        layer.Layer.PoolingParam = p;
        if (n.OpType.StartsWith("Global", StringComparison.Ordinal))
        {
            p.GlobalPooling = true;
            return;
        }

        long[] kernel = Ints(n, "kernel_shape");
        long[] strides = Ints(n, "strides", 1, 1);
        long[] pads = Ints(n, "pads", 0, 0, 0, 0);
        bool ceil = Int(n, "ceil_mode", 0) != 0;
        if (pads[0] != pads[2] || pads[1] != pads[3])
        {
            // Darknet's maxpool pads only the bottom/right; a max over a window clipped to the image is
            // the same as Caffe's unpadded ceil-mode window when the output sizes agree.
            TensorShape? x = _graph.FindValue(n.Inputs[0])?.Shape;
            if (!max || ceil || pads[0] != 0 || pads[1] != 0 || x is null || x.Rank != 4
                || FloorOutput(x[2], kernel[0], strides[0], pads[2]) != CeilOutput(x[2], kernel[0], strides[0])
                || FloorOutput(x[3], kernel[1], strides[1], pads[3]) != CeilOutput(x[3], kernel[1], strides[1]))
            {
                throw Unexpressible(n, $"asymmetric pooling padding {string.Join(",", pads)}");
            }

            pads = [0, 0, 0, 0];
            ceil = true;
        }

        if (!max && Int(n, "count_include_pad", 0) == 0 && (pads.Any(x => x != 0) || ceil))
        {
            throw Unexpressible(n, "average pooling that divides by the valid pixels only (count_include_pad 0) with padding");
        }

        if (kernel[0] == kernel[1])
        {
            p.KernelSize = (uint)kernel[0];
        }
        else
        {
            p.KernelH = (uint)kernel[0];
            p.KernelW = (uint)kernel[1];
        }

        if (strides[0] == strides[1])
        {
            if (strides[0] != 1)
            {
                p.Stride = (uint)strides[0];
            }
        }
        else
        {
            p.StrideH = (uint)strides[0];
            p.StrideW = (uint)strides[1];
        }

        if (pads[0] == pads[1])
        {
            if (pads[0] != 0)
            {
                p.Pad = (uint)pads[0];
            }
        }
        else
        {
            p.PadH = (uint)pads[0];
            p.PadW = (uint)pads[1];
        }

        // round_mode is a late BVLC field that OpenCV's Caffe importer (and older Caffe builds) reject:
        // spell it out only when the source did, or when floor rounding really gives another size than
        // Caffe's default ceil rounding on this input.
        TensorShape? input = _graph.FindValue(n.Inputs[0])?.Shape;
        bool sameSize = input is { Rank: 4 }
            && FloorOutput(input[2], kernel[0], strides[0], 2 * pads[0]) == CaffeCeilOutput(input[2], kernel[0], strides[0], pads[0])
            && FloorOutput(input[3], kernel[1], strides[1], 2 * pads[1]) == CaffeCeilOutput(input[3], kernel[1], strides[1], pads[1]);
        if (n.Metadata.ContainsKey(CaffeMetadata.PoolRoundModeExplicit))
        {
            p.RoundMode = ceil ? PoolingParameter.Types.RoundMode.Ceil : PoolingParameter.Types.RoundMode.Floor;
        }
        else if (!ceil && !sameSize)
        {
            p.RoundMode = PoolingParameter.Types.RoundMode.Floor;
        }
    }

    /// <summary>Caffe's pooled size: ceil((size + 2 pad − kernel) / stride) + 1, less one if the last window would start in the padding.</summary>
    private static long CaffeCeilOutput(long size, long kernel, long stride, long pad)
    {
        long pooled = ((size + (2 * pad) - kernel + stride - 1) / stride) + 1;
        if (pad > 0 && (pooled - 1) * stride >= size + pad)
        {
            pooled--;
        }

        return pooled;
    }

    /// <summary>The reshape_param read from Caffe, when applied to the current input it still gives the node's shape.</summary>
    private ReshapeParameter? OriginalReshape(Node n)
    {
        if (Meta(n, CaffeMetadata.ReshapeSpec) is not string text || _graph.FindValue(n.Inputs[0])?.Shape is not TensorShape input)
        {
            return null;
        }

        var p = (ReshapeParameter)TextFormatParser.Parse<ReshapeParameter>($"metadata:{n.Name}.{CaffeMetadata.ReshapeSpec}", text).Root;
        List<long>? dims = CaffeImporter.ReshapeDims(input, p, out _);
        return dims is not null && dims.SequenceEqual(Ints(n, "shape")) ? p : null;
    }

    private static long FloorOutput(long size, long kernel, long stride, long padAfter) => ((size + padAfter - kernel) / stride) + 1;

    private static long CeilOutput(long size, long kernel, long stride) => ((size - kernel + stride - 1) / stride) + 1;

    private void ExportEltwise(List<Node> group)
    {
        // Inputs of the group that come from outside it, in order; coefficient Muls carry a constant.
        var produced = new HashSet<string>(group.SelectMany(n => n.Outputs), StringComparer.Ordinal);
        var bottoms = new List<string>();
        var coeffs = new List<float>();
        string op = group[^1].OpType;
        foreach (Node node in group)
        {
            if (node.Inputs.Count != 2)
            {
                throw Unexpressible(node, "this element-wise node");
            }

            bool scaling = node.OpType == "Mul" && group.Count > 1 && _graph.Initializers.ContainsKey(node.Inputs[1]);
            if (scaling)
            {
                TensorData c = _graph.Initializers[node.Inputs[1]];
                if (c.ElementCount != 1)
                {
                    throw Unexpressible(node, "a coefficient that is not a scalar");
                }

                bottoms.Add(node.Inputs[0]);
                coeffs.Add(c.AsSpan<float>()[0]);
                continue;
            }

            if (node.OpType != op)
            {
                throw Unexpressible(node, "a mix of element-wise operations in one layer");
            }

            foreach (string input in node.Inputs)
            {
                if (_graph.Initializers.ContainsKey(input))
                {
                    throw Unexpressible(node, $"{node.OpType} with a constant operand");
                }

                if (!produced.Contains(input))
                {
                    bottoms.Add(input);
                    coeffs.Add(1f);
                }
            }
        }

        ExportedLayer layer = NewLayer(group, "Eltwise", bottoms, group[^1].Outputs);
        var p = new EltwiseParameter();
        if (op == "Mul")
        {
            p.Operation = EltwiseParameter.Types.EltwiseOp.Prod;
        }
        else if (op == "Max")
        {
            p.Operation = EltwiseParameter.Types.EltwiseOp.Max;
        }
        else if (coeffs.Any(c => c != 1f))
        {
            p.Coeff.AddRange(coeffs);
        }

        if (op != "Add" || p.Coeff.Count > 0)
        {
            layer.Layer.EltwiseParam = p;
        }
    }

    private void ExportSplit(List<Node> group)
    {
        NewLayer(group, "Split", [group[0].Inputs[0]], [.. group.Select(n => n.Outputs[0])]);
    }

    private void ExportSlice(List<Node> group, Node n)
    {
        ExportedLayer layer = NewLayer(group, "Slice", [n.Inputs[0]], n.Outputs);
        var p = new SliceParameter();
        long axis = Int(n, "axis", 1);
        if (axis != 1)
        {
            p.Axis = (int)axis;
        }

        if (n.Attributes.TryGetValue("split", out AttributeValue? split))
        {
            long at = 0;
            foreach (long size in split.AsInts().Take(split.AsInts().Length - 1))
            {
                at += size;
                p.SlicePoint.Add((uint)at);
            }
        }

        if (p.CalculateSize() > 0)
        {
            layer.Layer.SliceParam = p;
        }
    }

    private void ExportLrn(List<Node> group, Node n)
    {
        ExportedLayer layer = NewLayer(group, "LRN", [n.Inputs[0]], n.Outputs);
        bool within = n.Attributes.TryGetValue("region", out AttributeValue? r) && r.AsString() == "within";
        double bias = Float(n, "bias", 1);
        if (within && bias != 1)
        {
            throw Unexpressible(n, "within-channel LRN with a bias other than 1");
        }

        var p = new LRNParameter
        {
            LocalSize = (uint)Int(n, "size", 5),
            Alpha = (float)Float(n, "alpha", 1e-4),
            Beta = (float)Float(n, "beta", 0.75),
        };
        if (within)
        {
            p.NormRegion = LRNParameter.Types.NormRegion.WithinChannel;
        }
        else if (bias != 1)
        {
            p.K = (float)bias;
        }

        layer.Layer.LrnParam = p;
    }

    private void ExportCrop(List<Node> group, Node n, string reference)
    {
        long[] axes = Ints(n, "axes");
        long[] starts = Ints(n, "starts");
        if (axes.Length == 0 || axes.Select((a, i) => a == axes[0] + i).Any(b => !b) || n.Attributes.ContainsKey("steps"))
        {
            throw Unexpressible(n, "a slice that is not a crop of the trailing axes");
        }

        ExportedLayer layer = NewLayer(group, "Crop", [n.Inputs[0]], n.Outputs);
        layer.Layer.Bottom.Add(reference);
        var p = new CropParameter();
        if (axes[0] != 2)
        {
            p.Axis = (int)axes[0];
        }

        if (starts.Distinct().Count() == 1)
        {
            if (starts[0] != 0)
            {
                p.Offset.Add((uint)starts[0]);
            }
        }
        else
        {
            p.Offset.AddRange(starts.Select(s => (uint)s));
        }

        if (p.CalculateSize() > 0)
        {
            layer.Layer.CropParam = p;
        }

    }
}
