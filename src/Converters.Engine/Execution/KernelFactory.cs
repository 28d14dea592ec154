using System.Buffers;
using System.Numerics.Tensors;
using Converters.Engine.Kernels;
using Converters.Ir;

namespace Converters.Engine.Execution;

/// <summary>Compiles one node of the standard op set into an <see cref="OpKernel"/>.</summary>
internal static class KernelFactory
{
    /// <summary>Every op type this factory compiles.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "BatchNormalization", "Scale", "LRN",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Mish", "Swish", "Relu6", "HardSigmoid", "Elu", "Power", "Identity", "Dropout", "PRelu",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Add", "Sub", "Mul", "Div", "Max", "Min", "Shortcut", "ScaleChannels",
        "Concat", "Slice", "Split", "Flatten", "Reshape", "Transpose", "Pad", "Upsample", "Reorg", "SpaceToDepth", "DepthToSpace",
        "Yolo", "Region", "Gemm", "Softmax",
    };

    public static OpKernel Create(NodeContext c)
    {
        Node node = c.Node;
        if (node.Domain.Length != 0 || !Supported.Contains(node.OpType))
        {
            throw c.Fail($"the engine has no kernel for op '{(node.Domain.Length == 0 ? node.OpType : node.Domain + "." + node.OpType)}'");
        }

        return node.OpType switch
        {
            "Conv" => Conv(c),
            "ConvTranspose" => ConvTranspose(c),
            "BatchNormalization" => BatchNorm(c),
            "Scale" => Scale(c),
            "LRN" => Lrn(c),
            "Relu" => Unary(c, (x, d) => Activations.Relu(x, d)),
            "LeakyRelu" => LeakyRelu(c),
            "Sigmoid" => Unary(c, (x, d) => Activations.Sigmoid(x, d)),
            "Tanh" => Unary(c, (x, d) => Activations.Tanh(x, d)),
            "Mish" => Unary(c, (x, d) => Activations.Mish(x, d)),
            "Swish" => Unary(c, (x, d) => Activations.Swish(x, d)),
            "Relu6" => Unary(c, (x, d) => Activations.Relu6(x, d)),
            "HardSigmoid" => HardSigmoid(c),
            "Elu" => Elu(c),
            "Power" => Power(c),
            "Identity" or "Dropout" or "Flatten" or "Reshape" => Unary(c, (x, d) => x.CopyTo(d)),
            "PRelu" => PRelu(c),
            "MaxPool" or "AveragePool" => Pool(c),
            "GlobalAveragePool" or "GlobalMaxPool" => GlobalPool(c),
            "Add" => Binary(c, BinaryOperator.Add),
            "Sub" => Binary(c, BinaryOperator.Subtract),
            "Mul" => Binary(c, BinaryOperator.Multiply),
            "Div" => Binary(c, BinaryOperator.Divide),
            "Max" => Binary(c, BinaryOperator.Max),
            "Min" => Binary(c, BinaryOperator.Min),
            "Shortcut" => Shortcut(c),
            "ScaleChannels" => ScaleChannels(c),
            "Concat" => Concat(c),
            "Slice" => Slice(c),
            "Split" => Split(c),
            "Transpose" => Transpose(c),
            "Pad" => Pad(c),
            "Upsample" => Upsample(c),
            "Reorg" => Reorg(c),
            "SpaceToDepth" => SpaceToDepth(c),
            "DepthToSpace" => DepthToSpace(c),
            "Yolo" => Yolo(c),
            "Region" => Region(c),
            "Gemm" => Gemm(c),
            _ => Softmax(c),
        };
    }

    private delegate void UnaryKernel(ReadOnlySpan<float> x, Span<float> destination);

    private static ActionKernel Unary(NodeContext c, UnaryKernel kernel)
    {
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)c.InputShape(0).ElementCount);
        return new ActionKernel(v => kernel(v[x].AsSpan(0, n), v[y].AsSpan(0, n)));
    }

    private static ActionKernel LeakyRelu(NodeContext c)
    {
        float alpha = c.Float("alpha");
        return Unary(c, (x, d) => Activations.LeakyRelu(x, alpha, d));
    }

    private static ActionKernel HardSigmoid(NodeContext c)
    {
        float alpha = c.Float("alpha"), beta = c.Float("beta");
        return Unary(c, (x, d) => Activations.HardSigmoid(x, alpha, beta, d));
    }

    private static ActionKernel Elu(NodeContext c)
    {
        float alpha = c.Float("alpha");
        return Unary(c, (x, d) => Activations.Elu(x, alpha, d));
    }

    private static ActionKernel Power(NodeContext c)
    {
        float power = c.Float("power"), scale = c.Float("scale"), shift = c.Float("shift");
        return Unary(c, (x, d) => Activations.Power(x, power, scale, shift, d));
    }

    private static ActionKernel PRelu(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        float[] slope = c.Constant(1);
        int channels = s.Rank >= 2 ? s[1] : 1;
        int outer = s.Rank >= 1 ? s[0] : 1;
        int inner = s.Rank >= 2 ? checked((int)(s.ElementCount / Math.Max(1L, (long)outer * channels))) : 1;
        if (s.Rank < 2)
        {
            channels = 1;
            outer = 1;
            inner = checked((int)s.ElementCount);
        }

        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v =>
        {
            for (int o = 0; o < outer; o++)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    int off = ((o * channels) + ch) * inner;
                    Activations.PRelu(v[x].AsSpan(off, inner), slope.Length == 1 ? slope[0] : slope[ch], v[y].AsSpan(off, inner));
                }
            }
        });
    }

    internal static (int T, int L, int B, int R) Pads4(NodeContext c, string name = "pads")
    {
        var p = c.Ints(name);
        return ((int)p[0], (int)p[1], (int)p[2], (int)p[3]);
    }

    private static ActionKernel Conv(NodeContext c) => FusedConv(c, null, float.NaN, c.Node.Outputs[0]);

    /// <summary>
    /// Conv, optionally with a BatchNormalization folded into its weights and bias
    /// (W' = a[o] W, b' = a[o] b + c[o], in double) and a Relu (alpha 0) or LeakyRelu applied to
    /// each group's output right after its GEMM (alpha NaN: none), writing <paramref name="output"/>.
    /// </summary>
    internal static ActionKernel FusedConv(NodeContext c, NodeContext? bn, float alpha, string output)
    {
        TensorShape xs = c.InputShape(0), ws = c.InputShape(1);
        var strides = c.Ints("strides");
        var dil = c.Ints("dilations");
        (int t, int l, int b, int r) = Pads4(c);
        var p = new ConvParameters(xs[1], ws[0], ws[2], ws[3], (int)strides[0], (int)strides[1], t, l, b, r, (int)dil[0], (int)dil[1], (int)c.Int("group"));
        float[] weights = c.Constant(1);
        float[] bias = c.HasInput(2) ? c.Constant(2) : [];
        if (bn is not null)
        {
            int o = ws[0];
            var a = new float[o];
            var shift = new float[o];
            Normalization.BatchNormCoefficients(bn.Constant(1), bn.Constant(2), bn.Constant(3), bn.Constant(4), bn.Attribute("epsilon").AsFloat(), bn.String("epsilon_mode") == "stddev", a, shift);
            int per = weights.Length / o;
            var folded = new float[o];
            for (int oc = 0; oc < o; oc++)
            {
                for (int i = 0; i < per; i++)
                {
                    weights[(oc * per) + i] *= a[oc];
                }

                folded[oc] = (float)(((double)(bias.Length == 0 ? 0f : bias[oc]) * a[oc]) + shift[oc]);
            }

            bias = folded;
        }

        var conv = new Convolution(p, weights, bias) { ActivationAlpha = alpha };
        int x = c.Input(0), y = c.Value(output);
        TensorShape ys = c.Shape(output);
        int batch = xs[0], h = xs[2], w = xs[3];
        int inN = checked((int)xs.ElementCount), outN = checked((int)ys.ElementCount);
        int threads = c.MaxThreads;
        return new ActionKernel(v => conv.Forward(v[x].AsSpan(0, inN), batch, h, w, v[y].AsSpan(0, outN), threads));
    }

    private static ActionKernel ConvTranspose(NodeContext c)
    {
        TensorShape xs = c.InputShape(0), ws = c.InputShape(1), ys = c.OutputShape(0);
        var strides = c.Ints("strides");
        var dil = c.Ints("dilations");
        (int pt, int pl, _, _) = Pads4(c);
        int group = (int)c.Int("group");
        var deconv = new TransposedConvolution(xs[1], ys[1], ws[2], ws[3], (int)strides[0], (int)strides[1], pt, pl, (int)dil[0], (int)dil[1], group, c.Constant(1), c.HasInput(2) ? c.Constant(2) : []);
        int x = c.Input(0), y = c.Output(0);
        int inN = checked((int)xs.ElementCount), outN = checked((int)ys.ElementCount);
        int threads = c.MaxThreads;
        return new ActionKernel(v => deconv.Forward(v[x].AsSpan(0, inN), xs[0], xs[2], xs[3], ys[2], ys[3], v[y].AsSpan(0, outN), threads));
    }

    private static (int Outer, int Channels, int Inner) Split3(TensorShape s, int axis)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= s[i];
        }

        for (int i = axis + 1; i < s.Rank; i++)
        {
            inner *= s[i];
        }

        return (checked((int)outer), s[axis], checked((int)inner));
    }

    private static ActionKernel Affine(NodeContext c, int axis, float[] a, float[] b)
    {
        (int outer, _, int inner) = Split3(c.InputShape(0), axis);
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)c.InputShape(0).ElementCount);
        return new ActionKernel(v => Normalization.ChannelAffine(v[x].AsSpan(0, n), outer, a, b, inner, v[y].AsSpan(0, n)));
    }

    private static ActionKernel BatchNorm(NodeContext c)
    {
        int channels = c.InputShape(0)[1];
        var a = new float[channels];
        var b = new float[channels];
        Normalization.BatchNormCoefficients(c.Constant(1), c.Constant(2), c.Constant(3), c.Constant(4), c.Attribute("epsilon").AsFloat(), c.String("epsilon_mode") == "stddev", a, b);
        return Affine(c, 1, a, b);
    }

    private static ActionKernel Scale(NodeContext c)
    {
        int axis = NodeContext.Axis(c.Int("axis"), c.InputShape(0).Rank);
        return Affine(c, axis, c.Constant(1), c.HasInput(2) ? c.Constant(2) : []);
    }

    private static ActionKernel Lrn(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int size = (int)c.Int("size");
        float alpha = c.Float("alpha"), beta = c.Float("beta"), bias = c.Float("bias");
        bool across = c.String("region") == "across";
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)s.ElementCount);
        int plane = s[2] * s[3];
        var scratch = new float[2 * plane];
        return new ActionKernel(v =>
        {
            if (across)
            {
                Normalization.LrnAcross(v[x].AsSpan(0, n), s[0], s[1], plane, size, alpha, beta, bias, scratch, v[y].AsSpan(0, n));
            }
            else
            {
                Normalization.LrnWithin(v[x].AsSpan(0, n), s[0] * s[1], s[2], s[3], size, alpha, beta, bias, v[y].AsSpan(0, n));
            }
        });
    }

    private static ActionKernel Pool(NodeContext c)
    {
        TensorShape s = c.InputShape(0), o = c.OutputShape(0);
        var k = c.Ints("kernel_shape");
        var st = c.Ints("strides");
        (int t, int l, int b, int r) = Pads4(c);
        var p = new PoolParameters((int)k[0], (int)k[1], (int)st[0], (int)st[1], t, l, b, r);
        bool max = c.Node.OpType == "MaxPool";
        bool includePad = !max && c.Int("count_include_pad") != 0;
        int x = c.Input(0), y = c.Output(0);
        int planes = s[0] * s[1];
        int inN = checked((int)s.ElementCount), outN = checked((int)o.ElementCount);
        return new ActionKernel(v =>
        {
            if (max)
            {
                Pooling.MaxPool(v[x].AsSpan(0, inN), planes, s[2], s[3], p, o[2], o[3], v[y].AsSpan(0, outN));
            }
            else
            {
                Pooling.AveragePool(v[x].AsSpan(0, inN), planes, s[2], s[3], p, includePad, o[2], o[3], v[y].AsSpan(0, outN));
            }
        });
    }

    private static ActionKernel GlobalPool(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        bool max = c.Node.OpType == "GlobalMaxPool";
        int x = c.Input(0), y = c.Output(0);
        int planes = s[0] * s[1], size = s[2] * s[3];
        return new ActionKernel(v =>
        {
            if (max)
            {
                Pooling.GlobalMaxPool(v[x].AsSpan(0, planes * size), planes, size, v[y].AsSpan(0, planes));
            }
            else
            {
                Pooling.GlobalAveragePool(v[x].AsSpan(0, planes * size), planes, size, v[y].AsSpan(0, planes));
            }
        });
    }

    private static ActionKernel Binary(NodeContext c, BinaryOperator op)
    {
        int[] a = [.. c.InputShape(0).Dimensions], b = [.. c.InputShape(1).Dimensions], o = [.. c.OutputShape(0).Dimensions];
        int an = checked((int)c.InputShape(0).ElementCount), bn = checked((int)c.InputShape(1).ElementCount), on = checked((int)c.OutputShape(0).ElementCount);
        int xa = c.Input(0), xb = c.Input(1), y = c.Output(0);
        return new ActionKernel(v => Broadcasting.Binary(op, v[xa].AsSpan(0, an), a, v[xb].AsSpan(0, bn), b, o, v[y].AsSpan(0, on)));
    }

    private static ActionKernel Shortcut(NodeContext c)
    {
        TensorShape s0 = c.InputShape(0);
        string weightsType = c.String("weights_type");
        int features = weightsType == "none" ? c.InputCount : c.InputCount - 1;
        int x0 = c.Input(0), y = c.Output(0);
        int n0 = checked((int)s0.ElementCount);
        int[] ids = [.. Enumerable.Range(1, features - 1).Select(c.Input)];
        TensorShape[] shapes = [.. Enumerable.Range(1, features - 1).Select(c.InputShape)];
        if (weightsType == "none")
        {
            float alpha = c.Float("alpha"), beta = c.Float("beta");
            return new ActionKernel(v =>
            {
                Span<float> dst = v[y].AsSpan(0, n0);
                v[x0].AsSpan(0, n0).CopyTo(dst);
                for (int i = 0; i < ids.Length; i++)
                {
                    TensorShape si = shapes[i];
                    if (si == s0 && (i > 0 || alpha == 1f))
                    {
                        // Same shape: the overlap is everything, out = out + beta * Xi.
                        ReadOnlySpan<float> xi = v[ids[i]].AsSpan(0, n0);
                        if (beta == 1f)
                        {
                            System.Numerics.Tensors.TensorPrimitives.Add(dst, xi, dst);
                        }
                        else
                        {
                            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xi, beta, dst, dst);
                        }

                        continue;
                    }

                    Detection.ShortcutStrided(v[ids[i]].AsSpan(0, checked((int)si.ElementCount)), s0[0], si[1], si[2], si[3], s0[1], s0[2], s0[3], i == 0 ? alpha : 1f, beta, dst);
                }
            });
        }

        float[] weights = c.Constant(c.InputCount - 1);
        int normalization = c.String("weights_normalization") switch { "relu" or "avg_relu" => 1, "softmax" => 2, _ => 0 };
        bool perChannel = weightsType == "per_channel";
        int[] sizes = [.. shapes.Select(s => checked((int)(s.ElementCount / s[0])))];
        var others = new float[ids.Length][];
        return new ActionKernel(v =>
        {
            for (int i = 0; i < ids.Length; i++)
            {
                others[i] = v[ids[i]];
            }

            Detection.ShortcutWeighted(v[x0].AsSpan(0, n0), s0[0], s0[1], s0[2] * s0[3], others, sizes, weights, perChannel, normalization, v[y].AsSpan(0, n0));
        });
    }

    private static ActionKernel ScaleChannels(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        bool wh = c.Int("scale_wh") != 0;
        int x = c.Input(0), sc = c.Input(1), y = c.Output(0);
        int batch = s[0], channels = s[1], plane = s[2] * s[3];
        return new ActionKernel(v =>
        {
            float[] xv = v[x], sv = v[sc], yv = v[y];
            for (int b = 0; b < batch; b++)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    int off = ((b * channels) + ch) * plane;
                    if (wh)
                    {
                        System.Numerics.Tensors.TensorPrimitives.Multiply(xv.AsSpan(off, plane), sv.AsSpan(b * plane, plane), yv.AsSpan(off, plane));
                    }
                    else
                    {
                        System.Numerics.Tensors.TensorPrimitives.Multiply(xv.AsSpan(off, plane), sv[(b * channels) + ch], yv.AsSpan(off, plane));
                    }
                }
            }
        });
    }

    private static ActionKernel Concat(NodeContext c)
    {
        TensorShape o = c.OutputShape(0);
        int axis = NodeContext.Axis(c.Int("axis"), o.Rank);
        (int outer, int total, int inner) = Split3(o, axis);
        int[] ids = [.. Enumerable.Range(0, c.InputCount).Select(c.Input)];
        int[] counts = [.. Enumerable.Range(0, c.InputCount).Select(i => c.InputShape(i)[axis])];
        int y = c.Output(0);
        return new ActionKernel(v =>
        {
            int start = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                Layout.CopyAxisRange(v[ids[i]], outer, counts[i], 0, counts[i], inner, total, start, v[y]);
                start += counts[i];
            }
        });
    }

    private static ActionKernel Split(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int axis = NodeContext.Axis(c.Int("axis"), s.Rank);
        (int outer, int total, int inner) = Split3(s, axis);
        int[] ids = [.. Enumerable.Range(0, c.Node.Outputs.Count).Select(c.Output)];
        int[] counts = [.. Enumerable.Range(0, c.Node.Outputs.Count).Select(i => c.OutputShape(i)[axis])];
        int x = c.Input(0);
        return new ActionKernel(v =>
        {
            int start = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                Layout.CopyAxisRange(v[x], outer, total, start, counts[i], inner, counts[i], 0, v[ids[i]]);
                start += counts[i];
            }
        });
    }

    private static ActionKernel Slice(NodeContext c)
    {
        TensorShape s = c.InputShape(0), o = c.OutputShape(0);
        int rank = s.Rank;
        var axes = c.Ints("axes");
        var starts = c.Ints("starts");
        var steps = c.HasAttribute("steps") ? c.Ints("steps") : [.. Enumerable.Repeat(1L, axes.Length)];
        var st = new int[rank];
        var sp = Enumerable.Repeat(1, rank).ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            int a = NodeContext.Axis(axes[i], rank);
            long n = s[a];
            st[a] = (int)Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            sp[a] = (int)steps[i];
        }

        int[] shape = [.. s.Dimensions], outShape = [.. o.Dimensions];
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.Slice(v[x], shape, st, sp, outShape, v[y]));
    }

    private static ActionKernel Transpose(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int[] perm = c.HasAttribute("perm") ? [.. c.Ints("perm").Select(p => (int)p)] : [.. Enumerable.Range(0, s.Rank).Reverse()];
        int[] shape = [.. s.Dimensions];
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.Transpose(v[x], shape, perm, v[y]));
    }

    private static ActionKernel Pad(NodeContext c)
    {
        int[] shape = [.. c.InputShape(0).Dimensions];
        int[] pads = [.. c.Ints("pads").Select(p => (int)p)];
        int mode = c.String("mode") switch { "reflect" => 1, "edge" => 2, _ => 0 };
        float value = c.Float("value");
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.Pad(v[x], shape, pads, mode, value, v[y]));
    }

    private static ActionKernel Upsample(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        var scales = c.Ints("scales");
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.Upsample(v[x], s[0] * s[1], s[2], s[3], (int)scales[0], (int)scales[1], v[y]));
    }

    private static ActionKernel Reorg(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int stride = (int)c.Int("stride");
        bool reverse = c.Int("reverse") != 0;
        if (!reverse && s[1] % (stride * stride) != 0)
        {
            throw c.Fail($"darknet's reorg order needs the channels ({s[1]}) to divide by stride^2 ({stride * stride})");
        }

        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.Reorg(v[x], s[0], s[1], s[2], s[3], stride, reverse, v[y]));
    }

    private static ActionKernel SpaceToDepth(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int block = (int)c.Int("blocksize");
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.SpaceToDepth(v[x], s[0], s[1], s[2], s[3], block, v[y]));
    }

    private static ActionKernel DepthToSpace(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int block = (int)c.Int("blocksize");
        bool crd = c.String("mode") == "CRD";
        int x = c.Input(0), y = c.Output(0);
        return new ActionKernel(v => Layout.DepthToSpace(v[x], s[0], s[1], s[2], s[3], block, crd, v[y]));
    }

    private static ActionKernel Yolo(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int classes = (int)c.Int("classes");
        int anchors = c.Ints("mask").Length;
        float scale = c.Float("scale_x_y");
        bool newCoords = c.Int("new_coords") != 0;
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)s.ElementCount);
        return new ActionKernel(v => Detection.Yolo(v[x].AsSpan(0, n), s[0], anchors, classes, s[2] * s[3], scale, newCoords, v[y]));
    }

    private static ActionKernel Region(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int classes = (int)c.Int("classes"), coords = (int)c.Int("coords"), num = (int)c.Int("num");
        bool softmax = c.Int("softmax") != 0;
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)s.ElementCount);
        var scratch = new float[2 * s[2] * s[3]];
        if (c.HasAttribute("group_sizes"))
        {
            int[] groups = [.. c.Ints("group_sizes").Select(g => checked((int)g))];
            return new ActionKernel(v => Detection.RegionHierarchical(v[x].AsSpan(0, n), s[0], num, coords, classes, s[2] * s[3], groups, scratch, v[y]));
        }

        return new ActionKernel(v => Detection.Region(v[x].AsSpan(0, n), s[0], num, coords, classes, s[2] * s[3], softmax, scratch, v[y]));
    }

    private static ActionKernel Softmax(NodeContext c)
    {
        TensorShape s = c.InputShape(0);
        int axis = NodeContext.Axis(c.Int("axis"), s.Rank);
        (int outer, int count, int inner) = Split3(s, axis);
        var scratch = new float[2 * inner];
        int x = c.Input(0), y = c.Output(0);
        int n = checked((int)s.ElementCount);
        float temperature = c.Float("temperature");
        if (c.HasAttribute("group_sizes"))
        {
            // Darknet's hierarchical softmax: each contiguous group of the axis on its own.
            int[] groups = [.. c.Ints("group_sizes").Select(g => checked((int)g))];
            return new ActionKernel(v =>
            {
                Span<float> scaled = v[y].AsSpan(0, n);
                ReadOnlySpan<float> input = v[x].AsSpan(0, n);
                if (temperature != 1f)
                {
                    TensorPrimitives.Divide(input, temperature, scaled);
                    input = scaled;
                }

                Normalization.GroupedSoftmax(input, outer, count, inner, groups, scratch, scaled);
            });
        }

        if (temperature != 1f)
        {
            // Darknet's [softmax] temperature: exp(x / t - max / t), i.e. the softmax of x / t.
            return new ActionKernel(v =>
            {
                Span<float> scaled = v[y].AsSpan(0, n);
                TensorPrimitives.Divide(v[x].AsSpan(0, n), temperature, scaled);
                Normalization.Softmax(scaled, outer, count, inner, scratch, scaled);
            });
        }

        return new ActionKernel(v => Normalization.Softmax(v[x].AsSpan(0, n), outer, count, inner, scratch, v[y].AsSpan(0, n)));
    }

    /// <summary>
    /// Gemm as Y^T = op(B)^T op(A)^T: the weights op(B)^T (N x K) are packed once as the GEMM's
    /// left operand and the activations stream through as the panel source; Y^T is transposed into Y.
    /// </summary>
    private static ActionKernel Gemm(NodeContext c)
    {
        TensorShape a = c.InputShape(0), bs = c.InputShape(1), o = c.OutputShape(0);
        bool ta = c.Int("transA") != 0, tb = c.Int("transB") != 0;
        float alpha = c.Float("alpha"), beta = c.Float("beta");
        int m = o[0], n = o[1];
        int k = ta ? a[0] : a[1];
        float[] weights = c.Constant(1);

        // op(B)^T element (j, p) = op(B)[p, j] = tb ? B[j, p] : B[p, j].
        var packed = new float[Sgemm.PackedASize(n, k)];
        Sgemm.PackA(weights, bs[1], !tb, n, k, packed);
        float[]? bias = c.HasInput(2) ? c.Constant(2) : null;
        TensorShape? biasShape = c.HasInput(2) ? c.InputShape(2) : null;
        int x = c.Input(0), y = c.Output(0);
        int lda = a[1];
        int threads = c.MaxThreads;
        var transposed = new float[(long)n * m];
        return new ActionKernel(v =>
        {
            unsafe
            {
                fixed (float* pa = v[x])
                {
                    // op(A)^T element (p, i) = op(A)[i, p] = ta ? A[p, i] : A[i, p].
                    Sgemm.Multiply(packed, n, m, k, new DenseSource(pa, lda, !ta), transposed, m, false, threads);
                }
            }

            float[] yv = v[y];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float value = alpha * transposed[(j * m) + i];
                    if (bias is not null)
                    {
                        int bi = biasShape!.Rank == 1 ? (bias.Length == 1 ? 0 : j) : ((biasShape[0] == 1 ? 0 : i) * biasShape[1]) + (biasShape[1] == 1 ? 0 : j);
                        value += beta * bias[bi];
                    }

                    yv[(i * n) + j] = value;
                }
            }
        });
    }
}
