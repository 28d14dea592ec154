using Converters.Engine.Kernels;

namespace Converters.Engine.Tests;

/// <summary>
/// The engine's own SIMD kernels against the naive references. Tagged <c>Kernel</c>: the SIMD tier
/// test re-runs exactly these with AVX-512 and with all hardware intrinsics disabled.
/// </summary>
[Trait("Category", "Kernel")]
public class KernelTests
{
    public static TheoryData<int, int, int> GemmSizes()
    {
        int mr = Sgemm.MR, nr = Sgemm.NR;
        var data = new TheoryData<int, int, int>();
        int[] ms = [0, 1, mr - 1, mr, mr + 1, (4 * mr) + 3];
        int[] ns = [0, 1, nr - 1, nr, nr + 1, (4 * nr) + 3];
        foreach (int m in ms)
        {
            foreach (int n in ns)
            {
                data.Add(m, n, 7);
            }
        }

        data.Add(37, 301, 300);
        data.Add(130, 1100, 70);
        data.Add(3, 5, 0);
        data.Add(64, 64, 257);
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmSizes))]
    public unsafe void Sgemm_MatchesReference(int m, int n, int k)
    {
        float[] a = Tolerance.Random(m * k, 1);
        float[] b = Tolerance.Random(k * n, 2);
        float[] expected = Reference.MatMul(a, b, m, n, k);
        var packed = new float[Sgemm.PackedASize(m, k)];
        Sgemm.PackA(a, k, false, m, k, packed);
        foreach (int threads in new[] { 1, 2 })
        {
            float[] c = Tolerance.Random(m * n, 3);
            fixed (float* pb = b)
            {
                Sgemm.Multiply(packed, m, n, k, new DenseSource(pb, n, false), c, n, false, threads);
            }

            Tolerance.ShouldMatch(c, expected, 1e-5, $"{m}x{n}x{k} on {threads} threads, tier {Sgemm.Tier}");
        }
    }

    [Fact]
    public unsafe void Sgemm_TransposedOperandsAndAccumulate()
    {
        const int m = 19, n = 45, k = 33;
        float[] a = Tolerance.Random(m * k, 4);
        float[] b = Tolerance.Random(k * n, 5);
        float[] at = new float[k * m], bt = new float[n * k];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                at[(p * m) + i] = a[(i * k) + p];
            }
        }

        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                bt[(j * k) + p] = b[(p * n) + j];
            }
        }

        float[] expected = Reference.MatMul(a, b, m, n, k);
        var packed = new float[Sgemm.PackedASize(m, k)];
        Sgemm.PackA(at, m, true, m, k, packed);
        float[] c = Enumerable.Repeat(1f, m * n).ToArray();
        fixed (float* pb = bt)
        {
            Sgemm.Multiply(packed, m, n, k, new DenseSource(pb, k, true), c, n, true, 2);
        }

        Tolerance.ShouldMatch(c, [.. expected.Select(v => v + 1f)], 1e-5, "transposed + accumulate");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public unsafe void Sgemm_FusedActivation_AppliesToEveryElement(float alpha)
    {
        const int m = 21, n = 1100, k = 300;
        float[] a = Tolerance.Random(m * k, 6);
        float[] b = Tolerance.Random(k * n, 7);
        float[] expected = [.. Reference.MatMul(a, b, m, n, k).Select(v => v > 0 ? v : alpha * v)];
        var packed = new float[Sgemm.PackedASize(m, k)];
        Sgemm.PackA(a, k, false, m, k, packed);
        var c = new float[m * n];
        fixed (float* pb = b)
        {
            Sgemm.Multiply(packed, m, n, k, new DenseSource(pb, n, false), c, n, false, 2, alpha);
        }

        Tolerance.ShouldMatch(c, expected, 1e-5, $"alpha {alpha}");
    }

    public static TheoryData<string> ConvCases() =>
    [
        // c,h,w,o,kh,kw,sh,sw,pt,pl,pb,pr,dh,dw,group,batch
        "3,9,9,5,3,3,1,1,1,1,1,1,1,1,1,1",
        "4,8,7,8,3,3,2,2,1,1,1,1,1,1,1,2",
        "8,6,6,16,1,1,1,1,0,0,0,0,1,1,1,1",
        "8,6,6,16,1,1,2,2,0,0,0,0,1,1,1,1",
        "6,10,11,6,3,3,1,1,1,1,1,1,1,1,6,2",
        "6,10,11,6,3,3,2,2,0,1,1,0,1,1,6,1",
        "6,10,11,12,3,3,1,1,2,2,2,2,2,2,6,1",
        "8,9,9,12,3,3,1,1,1,1,1,1,1,1,2,1",
        "4,12,12,6,3,3,1,1,2,2,2,2,2,2,1,1",
        "3,7,9,4,5,3,1,2,0,2,3,1,1,1,1,1",
        "2,1,1,33,1,1,1,1,0,0,0,0,1,1,1,3",
        "1,17,17,1,1,1,1,1,0,0,0,0,1,1,1,1",
        "5,5,5,7,5,5,1,1,0,0,0,0,1,1,1,1",
        "16,15,15,17,3,3,1,1,1,1,1,1,1,1,1,1",
        "3,33,31,40,3,3,1,1,0,1,1,1,1,3,1,1",
    ];

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Convolution_MatchesDirectReference(string spec)
    {
        int[] v = [.. spec.Split(',').Select(int.Parse)];
        (int c, int h, int w, int o, int kh, int kw) = (v[0], v[1], v[2], v[3], v[4], v[5]);
        (int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int group, int batch) = (v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
        float[] x = Tolerance.Random(batch * c * h * w, 10);
        float[] weight = Tolerance.Random(o * (c / group) * kh * kw, 11);
        float[] bias = Tolerance.Random(o, 12);
        var p = new ConvParameters(c, o, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group);
        int oh = p.OutHeight(h), ow = p.OutWidth(w);
        foreach (bool withBias in new[] { true, false })
        {
            float[] expected = Reference.Conv(x, batch, c, h, w, weight, withBias ? bias : null, o, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group);
            var conv = new Convolution(p, weight, withBias ? bias : []);
            var y = new float[batch * o * oh * ow];
            conv.Forward(x, batch, h, w, y, 2);
            Tolerance.ShouldMatch(y, expected, 1e-5, $"{spec} bias={withBias}");
        }
    }

    [Theory]
    [InlineData("4,5,5,6,3,3,2,2,1,1,1,1,1,0,0")]
    [InlineData("4,3,4,4,4,4,2,2,1,1,1,1,2,1,1")]
    [InlineData("2,6,6,3,3,3,1,1,0,0,2,2,1,0,0")]
    [InlineData("3,4,4,2,2,2,3,3,0,0,1,1,1,2,1")]
    public void TransposedConvolution_MatchesScatterReference(string spec)
    {
        int[] v = [.. spec.Split(',').Select(int.Parse)];
        (int c, int h, int w, int o, int kh, int kw, int sh, int sw, int pt, int pl) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        (int dh, int dw, int group, int opH, int opW) = (v[10], v[11], v[12], v[13], v[14]);
        int oh = ((h - 1) * sh) - (2 * pt) + (dh * (kh - 1)) + opH + 1;
        int ow = ((w - 1) * sw) - (2 * pl) + (dw * (kw - 1)) + opW + 1;
        float[] x = Tolerance.Random(2 * c * h * w, 20);
        float[] weight = Tolerance.Random(c * (o / group) * kh * kw, 21);
        float[] bias = Tolerance.Random(o, 22);
        float[] expected = Reference.ConvTranspose(x, 2, c, h, w, weight, bias, o, kh, kw, sh, sw, pt, pl, dh, dw, group, oh, ow);
        var deconv = new TransposedConvolution(c, o, kh, kw, sh, sw, pt, pl, dh, dw, group, weight, bias);
        var y = new float[2 * o * oh * ow];
        deconv.Forward(x, 2, h, w, oh, ow, y, 2);
        Tolerance.ShouldMatch(y, expected, 1e-5, spec);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(67)]
    public void Activations_MatchScalarDefinitions(int n)
    {
        float[] x = Tolerance.Random(n, 30, 8f);
        Check(n, x, (s, d) => Activations.Relu(s, d), v => Math.Max(v, 0));
        Check(n, x, (s, d) => Activations.LeakyRelu(s, 0.1f, d), v => v > 0 ? v : 0.1 * v);
        Check(n, x, (s, d) => Activations.Sigmoid(s, d), v => 1 / (1 + Math.Exp(-v)));
        Check(n, x, (s, d) => Activations.Tanh(s, d), Math.Tanh);
        Check(n, x, (s, d) => Activations.Mish(s, d), v => v * Math.Tanh(Math.Log(1 + Math.Exp(v))));
        Check(n, x, (s, d) => Activations.Swish(s, d), v => v / (1 + Math.Exp(-v)));
        Check(n, x, (s, d) => Activations.Relu6(s, d), v => Math.Min(Math.Max(v, 0), 6));
        Check(n, x, (s, d) => Activations.HardSigmoid(s, 0.2f, 0.5f, d), v => Math.Max(0, Math.Min(1, (0.2 * v) + 0.5)));
        Check(n, x, (s, d) => Activations.Elu(s, 1.5f, d), v => v > 0 ? v : 1.5 * (Math.Exp(v) - 1));
        Check(n, x, (s, d) => Activations.Power(s, 3f, 0.5f, 0.25f, d), v => Math.Pow(0.25 + (0.5 * v), 3));
        Check(n, x, (s, d) => Activations.Power(s, 2f, 2f, 1f, d), v => Math.Pow(1 + (2 * v), 2));
    }

    private delegate void Kernel(ReadOnlySpan<float> x, Span<float> d);

    private static void Check(int n, float[] x, Kernel kernel, Func<double, double> reference)
    {
        var d = new float[n];
        kernel(x, d);
        float[] expected = [.. x.Select(v => (float)reference(v))];
        Tolerance.ShouldMatch(d, expected, 2e-6, kernel.Method.Name);

        // In place.
        float[] inPlace = (float[])x.Clone();
        kernel(inPlace, inPlace);
        Tolerance.ShouldMatch(inPlace, expected, 2e-6, kernel.Method.Name + " in place");
    }

    [Theory]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, false)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, false)]
    [InlineData(3, 3, 2, 2, 0, 0, 1, 1, true)]
    [InlineData(2, 2, 1, 1, 0, 0, 1, 1, false)]
    [InlineData(3, 3, 2, 2, 1, 1, 2, 2, true)]
    public void Pooling_MatchesReference(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil)
    {
        const int planes = 3, h = 9, w = 8;
        float[] x = Tolerance.Random(planes * h * w, 40);
        int oh = PoolOut(h, kh, sh, pt, pb, ceil), ow = PoolOut(w, kw, sw, pl, pr, ceil);
        var p = new PoolParameters(kh, kw, sh, sw, pt, pl, pb, pr);
        var y = new float[planes * oh * ow];
        Pooling.MaxPool(x, planes, h, w, p, oh, ow, y);
        Tolerance.ShouldMatch(y, Reference.Pool(x, planes, h, w, kh, kw, sh, sw, pt, pl, pb, pr, oh, ow, true, false), 0, "max");
        foreach (bool include in new[] { false, true })
        {
            Pooling.AveragePool(x, planes, h, w, p, include, oh, ow, y);
            Tolerance.ShouldMatch(y, Reference.Pool(x, planes, h, w, kh, kw, sh, sw, pt, pl, pb, pr, oh, ow, false, include), 1e-6, $"avg include={include}");
        }
    }

    internal static int PoolOut(int input, int k, int s, int before, int after, bool ceil)
    {
        int span = input + before + after - k;
        int o = ceil ? ((span + s - 1) / s) + 1 : (span / s) + 1;
        if (ceil && (o - 1) * s >= input + before)
        {
            o--;
        }

        return o;
    }
}
