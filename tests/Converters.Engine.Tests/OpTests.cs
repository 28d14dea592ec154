using Converters.Engine.Execution;
using Converters.Ir;
using Converters.Ir.Schemas;
using static Converters.Engine.Tests.OpHarness;

namespace Converters.Engine.Tests;

/// <summary>Every standard op through the executor, against references written from the op definitions.</summary>
public class OpTests
{
    private static readonly int[] Nchw = [2, 3, 5, 7];

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));

    [Fact]
    public void EveryStandardOp_HasAKernel()
    {
        string[] missing = [.. OpSchemaRegistry.Default.Schemas.Where(s => s.Domain.Length == 0).Select(s => s.OpType).Where(o => !KernelFactory.Supported.Contains(o))];
        missing.ShouldBeEmpty();
    }

    public static TheoryData<string, string> UnaryOps() => new()
    {
        { "Relu", string.Empty }, { "LeakyRelu", "alpha=0.1" }, { "Sigmoid", string.Empty }, { "Tanh", string.Empty }, { "Mish", string.Empty },
        { "Swish", string.Empty }, { "Relu6", string.Empty }, { "HardSigmoid", "alpha=0.3;beta=0.4" }, { "Elu", "alpha=0.7" },
        { "Power", "power=3;scale=0.5;shift=0.1" }, { "Identity", string.Empty }, { "Dropout", "ratio=0.3" },
    };

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_MatchesDefinition(string op, string attrs)
    {
        Dictionary<string, double> a = attrs.Length == 0 ? [] : attrs.Split(';').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Func<double, double> f = op switch
        {
            "Relu" => v => Math.Max(v, 0),
            "LeakyRelu" => v => v > 0 ? v : a["alpha"] * v,
            "Sigmoid" => Sig,
            "Tanh" => Math.Tanh,
            "Mish" => v => v * Math.Tanh(Math.Log(1 + Math.Exp(v))),
            "Swish" => v => v * Sig(v),
            "Relu6" => v => Math.Clamp(v, 0, 6),
            "HardSigmoid" => v => Math.Clamp((a["alpha"] * v) + a["beta"], 0, 1),
            "Elu" => v => v > 0 ? v : a["alpha"] * (Math.Exp(v) - 1),
            "Power" => v => Math.Pow(a["shift"] + (a["scale"] * v), a["power"]),
            _ => v => v,
        };
        Arg x = In(Nchw, 1, 8f);
        TensorData y = Run(op, [x], [.. a.Select(kv => (kv.Key, AttributeValue.FromFloat(kv.Value)))])[0];
        y.Shape.ShouldBe(x.Data.Shape);
        Tolerance.ShouldMatch(y.F(), [.. x.F().Select(v => (float)f(v))], 2e-6, op);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PRelu_PerChannelOrShared(int slopes)
    {
        Arg x = In(Nchw, 2);
        Arg s = Const([slopes], 3);
        float[] xs = x.F(), ss = s.F();
        float[] expected = [.. xs.Select((v, i) => v > 0 ? v : ss[slopes == 1 ? 0 : i / 35 % 3] * v)];
        Tolerance.ShouldMatch(Run("PRelu", [x, s])[0].F(), expected, 1e-6);
    }

    [Theory]
    [InlineData("variance")]
    [InlineData("stddev")]
    public void BatchNormalization_BothEpsilonModes(string mode)
    {
        Arg x = In(Nchw, 4);
        Arg scale = Const([3], 5), bias = Const([3], 6), mean = Const([3], 7);
        Arg variance = Const([3], [0.5f, 1.5f, 0.01f], "var");
        const double eps = 1e-3;
        float[] xs = x.F();
        float[] expected = new float[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / 35 % 3;
            double d = mode == "stddev" ? Math.Sqrt(variance.F()[c]) + eps : Math.Sqrt(variance.F()[c] + eps);
            expected[i] = (float)(((xs[i] - mean.F()[c]) / d * scale.F()[c]) + bias.F()[c]);
        }

        TensorData y = Run("BatchNormalization", [x, scale, bias, mean, variance], ("epsilon", eps), ("epsilon_mode", mode))[0];
        Tolerance.ShouldMatch(y.F(), expected, 1e-6, mode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scale_PerChannelAffine(bool withBias)
    {
        Arg x = In(Nchw, 8);
        Arg s = Const([3], 9), b = Const([3], 10);
        float[] expected = [.. x.F().Select((v, i) => (v * s.F()[i / 35 % 3]) + (withBias ? b.F()[i / 35 % 3] : 0))];
        Tolerance.ShouldMatch(Run("Scale", withBias ? [x, s, b] : [x, s])[0].F(), expected, 1e-6);
    }

    [Theory]
    [InlineData("across", 5)]
    [InlineData("across", 2)]
    [InlineData("within", 3)]
    public void Lrn_CaffeFormula(string region, int size)
    {
        int[] shape = [2, 6, 4, 5];
        Arg x = In(shape, 11, 3f);
        float[] xs = x.F();
        const double alpha = 0.01, beta = 0.75, k = 2;
        var expected = new float[xs.Length];
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 6; c++)
            {
                for (int y = 0; y < 4; y++)
                {
                    for (int xx = 0; xx < 5; xx++)
                    {
                        double s = 0;
                        if (region == "across")
                        {
                            for (int cc = c - ((size - 1) / 2); cc <= c + (size / 2); cc++)
                            {
                                if (cc >= 0 && cc < 6)
                                {
                                    s += Math.Pow(xs[((((n * 6) + cc) * 4) + y) * 5 + xx], 2);
                                }
                            }

                            s = k + (alpha / size * s);
                        }
                        else
                        {
                            for (int yy = y - ((size - 1) / 2); yy < y - ((size - 1) / 2) + size; yy++)
                            {
                                for (int x2 = xx - ((size - 1) / 2); x2 < xx - ((size - 1) / 2) + size; x2++)
                                {
                                    if (yy >= 0 && yy < 4 && x2 >= 0 && x2 < 5)
                                    {
                                        s += Math.Pow(xs[((((n * 6) + c) * 4) + yy) * 5 + x2], 2);
                                    }
                                }
                            }

                            s = k + (alpha / (size * size) * s);
                        }

                        int i = ((((n * 6) + c) * 4) + y) * 5 + xx;
                        expected[i] = (float)(xs[i] / Math.Pow(s, beta));
                    }
                }
            }
        }

        TensorData result = Run("LRN", [x], ("size", (long)size), ("alpha", alpha), ("beta", beta), ("bias", k), ("region", region))[0];
        Tolerance.ShouldMatch(result.F(), expected, 2e-6, region);
    }

    [Theory]
    [InlineData("MaxPool", 2, 2, "0,0,0,0", 0, 0)]
    [InlineData("MaxPool", 3, 1, "1,1,1,1", 0, 0)]
    [InlineData("MaxPool", 2, 1, "0,0,1,1", 0, 0)] // darknet size=2 stride=1: padding 1 -> 0 before, 1 after
    [InlineData("MaxPool", 3, 2, "0,0,0,0", 1, 0)]
    [InlineData("AveragePool", 3, 2, "1,1,1,1", 0, 0)]
    [InlineData("AveragePool", 3, 2, "1,1,1,1", 0, 1)]
    [InlineData("AveragePool", 3, 2, "1,1,1,1", 1, 1)]
    [InlineData("AveragePool", 2, 2, "0,0,0,0", 1, 0)]
    public void Pooling_ThroughExecutor(string op, int k, int s, string pads, int ceil, int includePad)
    {
        int[] p = [.. pads.Split(',').Select(int.Parse)];
        Arg x = In(Nchw, 12);
        int oh = KernelTests.PoolOut(5, k, s, p[0], p[2], ceil == 1), ow = KernelTests.PoolOut(7, k, s, p[1], p[3], ceil == 1);
        var attrs = new List<(string, AttributeValue)> { ("kernel_shape", AttributeValue.FromInts(k, k)), ("strides", AttributeValue.FromInts(s, s)), ("pads", AttributeValue.FromInts(p)), ("ceil_mode", (long)ceil) };
        if (op == "AveragePool")
        {
            attrs.Add(("count_include_pad", (long)includePad));
        }

        TensorData y = Run(op, [x], [.. attrs])[0];
        y.Shape.ShouldBe(TensorShape.Of(2, 3, oh, ow));
        Tolerance.ShouldMatch(y.F(), Reference.Pool(x.F(), 6, 5, 7, k, k, s, s, p[0], p[1], p[2], p[3], oh, ow, op == "MaxPool", includePad == 1), 1e-6);
    }

    [Fact]
    public void GlobalPools()
    {
        Arg x = In(Nchw, 13);
        float[] xs = x.F();
        float[] avg = [.. Enumerable.Range(0, 6).Select(p => (float)xs.Skip(p * 35).Take(35).Select(v => (double)v).Average())];
        float[] max = [.. Enumerable.Range(0, 6).Select(p => xs.Skip(p * 35).Take(35).Max())];
        Tolerance.ShouldMatch(Run("GlobalAveragePool", [x])[0].F(), avg, 1e-6);
        Tolerance.ShouldMatch(Run("GlobalMaxPool", [x])[0].F(), max, 0);
    }

    public static TheoryData<string, string, string> BinaryCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div", "Max", "Min" })
        {
            data.Add(op, "2x3x5x7", "2x3x5x7");
            data.Add(op, "2x3x5x7", "3x1x1");
            data.Add(op, "2x3x5x7", "1");
            data.Add(op, "1", "2x3x5x7");
            data.Add(op, "3x1x1", "2x3x5x7");
            data.Add(op, "2x1x5x1", "3x1x7");
            data.Add(op, "7", "2x3x5x7");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_NumPyBroadcasting(string op, string aShape, string bShape)
    {
        int[] sa = [.. aShape.Split('x').Select(int.Parse)], sb = [.. bShape.Split('x').Select(int.Parse)];
        Arg a = In(sa, 14), b = In(sb, 15);
        if (op == "Div")
        {
            b = b with { Data = TensorData.Create(b.Data.Shape, [.. b.F().Select(v => v + (v >= 0 ? 0.5f : -0.5f))]) };
        }

        int rank = Math.Max(sa.Length, sb.Length);
        int[] so = [.. Enumerable.Range(0, rank).Select(d => Math.Max(Dim(sa, d, rank), Dim(sb, d, rank)))];
        long total = so.Aggregate(1L, (p, d) => p * d);
        var expected = new float[total];
        float[] av = a.F(), bv = b.F();
        for (long i = 0; i < total; i++)
        {
            long rem = i, ai = 0, bi = 0, astride = 1, bstride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long idx = rem % so[d];
                rem /= so[d];
                int da = Dim(sa, d, rank), db = Dim(sb, d, rank);
                ai += (da == 1 ? 0 : idx) * astride;
                bi += (db == 1 ? 0 : idx) * bstride;
                astride *= da;
                bstride *= db;
            }

            double x = av[ai], y = bv[bi];
            expected[i] = (float)(op switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, "Div" => x / y, "Max" => Math.Max(x, y), _ => Math.Min(x, y) });
        }

        TensorData result = Run(op, [a, b])[0];
        result.Shape.ShouldBe(TensorShape.Of(so));
        Tolerance.ShouldMatch(result.F(), expected, 1e-6, $"{op} {aShape} {bShape}");
    }

    private static int Dim(int[] s, int d, int rank) => d < rank - s.Length ? 1 : s[d - (rank - s.Length)];

    [Theory]
    [InlineData("2x4x6x6", "2x4x6x6", 1.0, 1.0)]
    [InlineData("2x4x6x6", "2x6x12x12", 1.0, 1.0)]
    [InlineData("2x4x6x6", "2x3x3x3", 0.5, 2.0)]
    [InlineData("1x3x4x4", "1x5x4x4", 1.0, 1.0)]
    public void Shortcut_DarknetStridedOverlap(string s0, string s1, double alpha, double beta)
    {
        int[] a = [.. s0.Split('x').Select(int.Parse)], b = [.. s1.Split('x').Select(int.Parse)];
        Arg x0 = In(a, 16), x1 = In(b, 17);
        float[] p = x0.F(), q = x1.F();
        int stride = Math.Max(b[3] / a[3], 1), sample = Math.Max(a[3] / b[3], 1);
        int minc = Math.Min(a[1], b[1]), minh = Math.Min(a[2], b[2]), minw = Math.Min(a[3], b[3]);
        var expected = (float[])p.Clone();
        for (int n = 0; n < a[0]; n++)
        {
            for (int c = 0; c < a[1]; c++)
            {
                for (int y = 0; y < a[2]; y++)
                {
                    for (int x = 0; x < a[3]; x++)
                    {
                        bool hit = c < minc && y % sample == 0 && x % sample == 0 && y / sample < minh && x / sample < minw;
                        if (hit)
                        {
                            int o = (((n * a[1]) + c) * a[2] + y) * a[3] + x;
                            int i = (((n * b[1]) + c) * b[2] + (y / sample * stride)) * b[3] + (x / sample * stride);
                            expected[o] = (float)((alpha * p[o]) + (beta * q[i]));
                        }
                    }
                }
            }
        }

        Tolerance.ShouldMatch(Run("Shortcut", [x0, x1], ("alpha", alpha), ("beta", beta))[0].F(), expected, 1e-6, $"{s0}+{s1}");
    }

    [Theory]
    [InlineData("per_feature", "none")]
    [InlineData("per_feature", "relu")]
    [InlineData("per_channel", "softmax")]
    [InlineData("per_channel", "none")]
    public void Shortcut_AlexeyAbWeights(string type, string normalization)
    {
        int[] shape = [2, 3, 4, 4];
        Arg x0 = In(shape, 18), x1 = In(shape, 19), x2 = In(shape, 20);
        int nw = type == "per_feature" ? 3 : 9;
        Arg w = Const([nw], 21);
        float[][] xs = [x0.F(), x1.F(), x2.F()];
        float[] wv = w.F();
        var expected = new float[xs[0].Length];
        for (int i = 0; i < expected.Length; i++)
        {
            int c = i / 16 % 3;
            double[] ws = [.. Enumerable.Range(0, 3).Select(l => (double)wv[type == "per_feature" ? l : (l * 3) + c])];
            if (normalization == "relu")
            {
                double sum = 1e-4 + ws.Sum(v => Math.Max(v, 0));
                ws = [.. ws.Select(v => Math.Max(v, 0) / sum)];
            }
            else if (normalization == "softmax")
            {
                double max = ws.Max();
                double sum = 1e-4 + ws.Sum(v => Math.Exp(v - max));
                ws = [.. ws.Select(v => Math.Exp(v - max) / sum)];
            }

            expected[i] = (float)((ws[0] * xs[0][i]) + (ws[1] * xs[1][i]) + (ws[2] * xs[2][i]));
        }

        TensorData y = Run("Shortcut", [x0, x1, x2, w], ("weights_type", type), ("weights_normalization", normalization))[0];
        Tolerance.ShouldMatch(y.F(), expected, 1e-5, $"{type}/{normalization}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ScaleChannels_ChannelsOrPositions(int wh)
    {
        Arg x = In(Nchw, 22);
        Arg s = In(wh == 1 ? [2, 1, 5, 7] : [2, 3, 1, 1], 23);
        float[] xs = x.F(), ss = s.F();
        float[] expected = [.. xs.Select((v, i) => v * (wh == 1 ? ss[(i / 105 * 35) + (i % 35)] : ss[i / 35]))];
        Tolerance.ShouldMatch(Run("ScaleChannels", [x, s], ("scale_wh", (long)wh))[0].F(), expected, 1e-6);
    }

    [Fact]
    public void Concat_Split_Slice_Flatten_Reshape_Transpose()
    {
        Arg a = In([2, 3, 2, 2], 24), b = In([2, 1, 2, 2], 25);
        float[] cat = Run("Concat", [a, b], ("axis", 1L))[0].F();
        for (int n = 0; n < 2; n++)
        {
            cat.AsSpan(n * 16, 12).ToArray().ShouldBe(a.F().AsSpan(n * 12, 12).ToArray());
            cat.AsSpan((n * 16) + 12, 4).ToArray().ShouldBe(b.F().AsSpan(n * 4, 4).ToArray());
        }

        Arg c = In([2, 4, 2, 2], 26);
        TensorData[] parts = RunN("Split", 2, [c], ("axis", 1L), ("split", AttributeValue.FromInts(3, 1)));
        parts[0].Shape.ShouldBe(TensorShape.Of(2, 3, 2, 2));
        parts[0].F().ShouldBe([.. c.F().Where((_, i) => i / 4 % 4 < 3)]);
        parts[1].F().ShouldBe([.. c.F().Where((_, i) => i / 4 % 4 == 3)]);

        Arg s = In([3, 8, 5], 27);
        TensorData sl = Run("Slice", [s], ("axes", AttributeValue.FromInts(1, -1)), ("starts", AttributeValue.FromInts(-7, 0)), ("ends", AttributeValue.FromInts(100, 5)), ("steps", AttributeValue.FromInts(3, 2)))[0];
        sl.Shape.ShouldBe(TensorShape.Of(3, 3, 3));
        float[] sv = s.F();
        sl.F().ShouldBe([.. from i in Enumerable.Range(0, 3) from j in new[] { 1, 4, 7 } from k in new[] { 0, 2, 4 } select sv[(((i * 8) + j) * 5) + k]]);

        Run("Flatten", [s], ("axis", 2L))[0].F().ShouldBe(sv);
        TensorData r = Run("Reshape", [s], ("shape", AttributeValue.FromInts(0, -1)))[0];
        r.Shape.ShouldBe(TensorShape.Of(3, 40));
        r.F().ShouldBe(sv);

        TensorData t = Run("Transpose", [s], ("perm", AttributeValue.FromInts(2, 0, 1)))[0];
        t.Shape.ShouldBe(TensorShape.Of(5, 3, 8));
        t.F().ShouldBe([.. from k in Enumerable.Range(0, 5) from i in Enumerable.Range(0, 3) from j in Enumerable.Range(0, 8) select sv[(((i * 8) + j) * 5) + k]]);
        Run("Transpose", [s])[0].Shape.ShouldBe(TensorShape.Of(5, 8, 3));
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("reflect")]
    [InlineData("edge")]
    public void Pad_AllModes(string mode)
    {
        Arg x = In([2, 3, 4], 28);
        int[] pads = [0, 1, 2, 1, 2, 3];
        TensorData y = Run("Pad", [x], ("pads", AttributeValue.FromInts(pads)), ("mode", mode), ("value", 0.5))[0];
        y.Shape.ShouldBe(TensorShape.Of(3, 6, 9));
        float[] xs = x.F();
        var expected = new List<float>();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                for (int k = 0; k < 9; k++)
                {
                    int[] src = [i - 0, j - 1, k - 2];
                    int[] n = [2, 3, 4];
                    bool outside = Enumerable.Range(0, 3).Any(d => src[d] < 0 || src[d] >= n[d]);
                    if (outside && mode == "constant")
                    {
                        expected.Add(0.5f);
                        continue;
                    }

                    for (int d = 0; d < 3; d++)
                    {
                        src[d] = mode == "edge" ? Math.Clamp(src[d], 0, n[d] - 1) : src[d] < 0 ? -src[d] : src[d] >= n[d] ? (2 * (n[d] - 1)) - src[d] : src[d];
                    }

                    expected.Add(xs[(((src[0] * 3) + src[1]) * 4) + src[2]]);
                }
            }
        }

        y.F().ShouldBe([.. expected]);
    }

    [Fact]
    public void Upsample_Nearest()
    {
        Arg x = In([1, 2, 3, 2], 29);
        TensorData y = Run("Upsample", [x], ("scales", AttributeValue.FromInts(2, 3)))[0];
        y.Shape.ShouldBe(TensorShape.Of(1, 2, 6, 6));
        float[] xs = x.F();
        y.F().ShouldBe([.. from c in Enumerable.Range(0, 2) from yy in Enumerable.Range(0, 6) from xx in Enumerable.Range(0, 6) select xs[(((c * 3) + (yy / 2)) * 2) + (xx / 3)]]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Reorg_DarknetOrder(int reverse)
    {
        int[] shape = reverse == 0 ? [2, 8, 4, 6] : [2, 8, 2, 3];
        Arg x = In(shape, 30);
        TensorData y = Run("Reorg", [x], ("stride", 2L), ("reverse", (long)reverse))[0];
        int w = shape[3], h = shape[2], c = shape[1];
        const int s = 2;
        float[] xs = x.F();
        var expected = new float[xs.Length];

        // darknet reorg_cpu(x, w, h, c, batch, stride, forward, out), forward = reverse.
        for (int b = 0; b < 2; b++)
        {
            for (int k = 0; k < c; k++)
            {
                for (int j = 0; j < h; j++)
                {
                    for (int i = 0; i < w; i++)
                    {
                        int inIndex = i + (w * (j + (h * (k + (c * b)))));
                        int outC = c / (s * s);
                        int c2 = k % outC, offset = k / outC;
                        int w2 = (i * s) + (offset % s), h2 = (j * s) + (offset / s);
                        int outIndex = w2 + (w * s * (h2 + (h * s * (c2 + (outC * b)))));
                        if (reverse == 1)
                        {
                            expected[outIndex] = xs[inIndex];
                        }
                        else
                        {
                            expected[inIndex] = xs[outIndex];
                        }
                    }
                }
            }
        }

        y.F().ShouldBe(expected);
    }

    [Fact]
    public void SpaceToDepth_DepthToSpace()
    {
        Arg x = In([2, 3, 4, 6], 31);
        TensorData s2d = Run("SpaceToDepth", [x], ("blocksize", 2L))[0];
        s2d.Shape.ShouldBe(TensorShape.Of(2, 12, 2, 3));
        float[] xs = x.F(), sv = s2d.F();
        for (int n = 0; n < 2; n++)
        {
            for (int oc = 0; oc < 12; oc++)
            {
                int block = oc / 3, c = oc % 3, by = block / 2, bx = block % 2;
                for (int y = 0; y < 2; y++)
                {
                    for (int xx = 0; xx < 3; xx++)
                    {
                        sv[(((((n * 12) + oc) * 2) + y) * 3) + xx].ShouldBe(xs[(((((n * 3) + c) * 4) + (y * 2) + by) * 6) + (xx * 2) + bx]);
                    }
                }
            }
        }

        Arg back = new("s", s2d);
        Run("DepthToSpace", [back], ("blocksize", 2L), ("mode", "DCR"))[0].F().ShouldBe(xs);
        TensorData crd = Run("DepthToSpace", [back], ("blocksize", 2L), ("mode", "CRD"))[0];
        float[] cv = crd.F();
        cv[(((0 * 3 + 1) * 4) + 1) * 6 + 3].ShouldBe(sv[(((0 * 12) + (1 * 4) + (1 * 2) + 1) * 2 + 0) * 3 + 1]);
    }

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(1.1, 0)]
    [InlineData(2.0, 1)]
    public void Yolo_LogisticOnXyObjectnessClasses(double scaleXY, int newCoords)
    {
        const int classes = 3, anchors = 2;
        Arg x = In([2, anchors * (classes + 5), 3, 4], 32, 4f);
        float[] xs = x.F();
        float[] expected = [.. xs.Select((v, i) =>
        {
            int e = i / 12 % (classes + 5);
            double r = v;
            if (newCoords == 0 && (e < 2 || e >= 4))
            {
                r = Sig(v);
            }

            if (e < 2)
            {
                r = (r * scaleXY) - (0.5 * (scaleXY - 1));
            }

            return (float)r;
        })];
        TensorData y = Run("Yolo", [x], ("classes", (long)classes), ("anchors", AttributeValue.FromFloats([10, 13, 16, 30, 33, 23])), ("mask", AttributeValue.FromInts(1, 2)), ("scale_x_y", scaleXY), ("new_coords", (long)newCoords))[0];
        Tolerance.ShouldMatch(y.F(), expected, 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Region_LogisticAndClassSoftmax(int softmax)
    {
        const int classes = 4, coords = 4, num = 2, plane = 6;
        Arg x = In([2, num * (coords + classes + 1), 2, 3], 33, 4f);
        float[] xs = x.F();
        var expected = (float[])xs.Clone();
        for (int b = 0; b < 2; b++)
        {
            for (int n = 0; n < num; n++)
            {
                int off = ((b * num) + n) * (coords + classes + 1) * plane;
                for (int p = 0; p < plane; p++)
                {
                    foreach (int e in new[] { 0, 1, coords })
                    {
                        expected[off + (e * plane) + p] = (float)Sig(xs[off + (e * plane) + p]);
                    }

                    double[] z = [.. Enumerable.Range(0, classes).Select(k => (double)xs[off + ((coords + 1 + k) * plane) + p])];
                    double m = z.Max(), sum = z.Sum(v => Math.Exp(v - m));
                    for (int k = 0; k < classes; k++)
                    {
                        expected[off + ((coords + 1 + k) * plane) + p] = (float)(softmax == 1 ? Math.Exp(z[k] - m) / sum : Sig(z[k]));
                    }
                }
            }
        }

        TensorData y = Run("Region", [x], ("classes", (long)classes), ("coords", (long)coords), ("num", (long)num), ("softmax", (long)softmax))[0];
        Tolerance.ShouldMatch(y.F(), expected, 1e-6);
    }

    [Theory]
    [InlineData(0, 1, 1.0, 1.0, "n")]
    [InlineData(0, 0, 1.0, 1.0, "n")]
    [InlineData(1, 1, 0.5, 2.0, "n")]
    [InlineData(1, 0, 1.0, 0.5, "mn")]
    [InlineData(0, 1, 1.0, 1.0, "none")]
    [InlineData(0, 1, 1.0, 1.0, "1")]
    public void Gemm_TransposesAlphaBetaBias(int transA, int transB, double alpha, double beta, string bias)
    {
        const int m = 5, k = 37, n = 11;
        Arg a = In(transA == 1 ? [k, m] : [m, k], 34);
        Arg b = Const(transB == 1 ? [n, k] : [k, n], 35);
        Arg? c = bias switch { "n" => Const([n], 36), "mn" => Const([m, n], 37), "1" => Const([1], 38), _ => null };
        float[] av = a.F(), bv = b.F();
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)(transA == 1 ? av[(p * m) + i] : av[(i * k) + p]) * (transB == 1 ? bv[(j * k) + p] : bv[(p * n) + j]);
                }

                double cv = c is null ? 0 : bias switch { "n" => c.F()[j], "mn" => c.F()[(i * n) + j], _ => c.F()[0] };
                expected[(i * n) + j] = (float)((alpha * s) + (beta * cv));
            }
        }

        Arg[] args = c is null ? [a, b] : [a, b, c];
        TensorData y = Run("Gemm", args, ("transA", (long)transA), ("transB", (long)transB), ("alpha", alpha), ("beta", beta))[0];
        y.Shape.ShouldBe(TensorShape.Of(m, n));
        Tolerance.ShouldMatch(y.F(), expected, 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(0)]
    public void Softmax_AnyAxis(int axis)
    {
        int[] shape = [2, 3, 4];
        Arg x = In(shape, 39, 5f);
        float[] xs = x.F();
        int ax = axis < 0 ? axis + 3 : axis;
        int outer = shape.Take(ax).Aggregate(1, (p, d) => p * d), count = shape[ax], inner = shape.Skip(ax + 1).Aggregate(1, (p, d) => p * d);
        var expected = new float[xs.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double m = Enumerable.Range(0, count).Max(kk => (double)xs[(((o * count) + kk) * inner) + i]);
                double sum = Enumerable.Range(0, count).Sum(kk => Math.Exp(xs[(((o * count) + kk) * inner) + i] - m));
                for (int kk = 0; kk < count; kk++)
                {
                    expected[(((o * count) + kk) * inner) + i] = (float)(Math.Exp(xs[(((o * count) + kk) * inner) + i] - m) / sum);
                }
            }
        }

        Tolerance.ShouldMatch(Run("Softmax", [x], ("axis", (long)axis))[0].F(), expected, 1e-6);
    }

    [Fact]
    public void Softmax_LogitsBeyondExpRange_SubtractsTheMaximumAndStaysFinite()
    {
        // Given: logits of a few hundred along the last axis (exp overflows float above ~88)
        Arg x = In([2, 6], 43, 500f);
        float[] xs = x.F();
        var expected = new float[xs.Length];
        for (int o = 0; o < 2; o++)
        {
            double m = Enumerable.Range(0, 6).Max(k => (double)xs[(o * 6) + k]);
            double sum = Enumerable.Range(0, 6).Sum(k => Math.Exp(xs[(o * 6) + k] - m));
            for (int k = 0; k < 6; k++)
            {
                expected[(o * 6) + k] = (float)(Math.Exp(xs[(o * 6) + k] - m) / sum);
            }
        }

        // When
        float[] y = Run("Softmax", [x], ("axis", -1L))[0].F();

        // Then
        y.All(float.IsFinite).ShouldBeTrue();
        Tolerance.ShouldMatch(y, expected, 1e-6);
    }

    [Theory]
    [InlineData(1, 3.0)]
    [InlineData(-1, 0.5)]
    public void Softmax_Temperature_DividesInputFirst(int axis, double temperature)
    {
        // Darknet's [softmax] temperature t: exp(x/t - max/t) / sum(exp(x/t - max/t))
        int[] shape = [2, 5, 3];
        Arg x = In(shape, 41, 5f);
        float[] xs = x.F();
        int ax = axis < 0 ? axis + 3 : axis;
        int outer = shape.Take(ax).Aggregate(1, (p, d) => p * d), count = shape[ax], inner = shape.Skip(ax + 1).Aggregate(1, (p, d) => p * d);
        var expected = new float[xs.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int kk) => (((o * count) + kk) * inner) + i;
                double m = Enumerable.Range(0, count).Max(kk => xs[At(kk)] / temperature);
                double sum = Enumerable.Range(0, count).Sum(kk => Math.Exp((xs[At(kk)] / temperature) - m));
                for (int kk = 0; kk < count; kk++)
                {
                    expected[At(kk)] = (float)(Math.Exp((xs[At(kk)] / temperature) - m) / sum);
                }
            }
        }

        Tolerance.ShouldMatch(Run("Softmax", [x], ("axis", (long)axis), ("temperature", temperature))[0].F(), expected, 1e-6);
    }

    [Theory]
    [InlineData(1, "1,1,1,1", 1, true)]
    [InlineData(2, "0,0,1,1", 1, false)]
    [InlineData(1, "2,2,2,2", 2, true)]
    [InlineData(3, "1,1,1,1", 1, true)]
    public void Conv_ThroughExecutor(int group, string pads, int dilation, bool bias)
    {
        int[] p = [.. pads.Split(',').Select(int.Parse)];
        Arg x = In([2, 6, 9, 8], 40);
        Arg w = Const([12, 6 / group, 3, 3], 41);
        Arg b = Const([12], 42);
        float[] expected = Reference.Conv(x.F(), 2, 6, 9, 8, w.F(), bias ? b.F() : null, 12, 3, 3, 2, 1, p[0], p[1], p[2], p[3], dilation, dilation, group);
        TensorData y = Run("Conv", bias ? [x, w, b] : [x, w], ("strides", AttributeValue.FromInts(2, 1)), ("pads", AttributeValue.FromInts(p)), ("dilations", AttributeValue.FromInts(dilation, dilation)), ("group", (long)group))[0];
        Tolerance.ShouldMatch(y.F(), expected, 1e-5);
    }

    [Fact]
    public void ConvTranspose_ThroughExecutor()
    {
        Arg x = In([1, 4, 3, 5], 43);
        Arg w = Const([4, 3, 3, 3], 44);
        Arg b = Const([6], 45);
        TensorData y = Run("ConvTranspose", [x, w, b], ("strides", AttributeValue.FromInts(2, 2)), ("pads", AttributeValue.FromInts(1, 1, 1, 1)), ("group", 2L), ("output_padding", AttributeValue.FromInts(1, 0)))[0];
        y.Shape.ShouldBe(TensorShape.Of(1, 6, 6, 9));
        Tolerance.ShouldMatch(y.F(), Reference.ConvTranspose(x.F(), 1, 4, 3, 5, w.F(), b.F(), 6, 3, 3, 2, 2, 1, 1, 1, 1, 2, 6, 9), 1e-5);
    }
}
