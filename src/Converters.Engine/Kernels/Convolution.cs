using System.Numerics.Tensors;

namespace Converters.Engine.Kernels;

/// <summary>Attributes of a 2-D convolution (NCHW input, OIHW weights).</summary>
public readonly record struct ConvParameters(
    int InChannels, int OutChannels, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, int Group = 1)
{
    /// <summary>Output height for an input of <paramref name="height"/>.</summary>
    public int OutHeight(int height) => ((height + PadTop + PadBottom - ((DilationH * (KernelH - 1)) + 1)) / StrideH) + 1;

    /// <summary>Output width for an input of <paramref name="width"/>.</summary>
    public int OutWidth(int width) => ((width + PadLeft + PadRight - ((DilationW * (KernelW - 1)) + 1)) / StrideW) + 1;
}

/// <summary>
/// A 2-D convolution with its weights prepared once: packed GEMM panels per group (implicit-GEMM
/// im2col, or the input itself as B for 1x1/stride-1/unpadded kernels), or a direct per-channel
/// kernel for depthwise convolutions (group = in = out channels).
/// </summary>
public sealed unsafe class Convolution
{
    private readonly ConvParameters _p;
    private readonly float[] _packed;
    private readonly float[] _weights;
    private readonly float[]? _bias;
    private readonly int _packedPerGroup;
    private readonly bool _depthwise;
    private readonly bool _pointwise;

    /// <summary>Prepares the convolution from OIHW <paramref name="weights"/> and an optional <paramref name="bias"/> (empty for none).</summary>
    public Convolution(ConvParameters parameters, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ConvParameters p = parameters;
        if (p.Group <= 0 || p.InChannels % p.Group != 0 || p.OutChannels % p.Group != 0 || p.KernelH <= 0 || p.KernelW <= 0
            || p.StrideH <= 0 || p.StrideW <= 0 || p.DilationH <= 0 || p.DilationW <= 0)
        {
            ThrowHelper.Argument(nameof(parameters), "are inconsistent");
        }

        int cg = p.InChannels / p.Group;
        int og = p.OutChannels / p.Group;
        int kg = cg * p.KernelH * p.KernelW;
        if (weights.Length != (long)p.OutChannels * kg || (bias.Length != 0 && bias.Length != p.OutChannels))
        {
            ThrowHelper.Argument(nameof(weights), "or bias do not match the parameters");
        }

        _p = p;
        _bias = bias.IsEmpty ? null : bias.ToArray();
        _depthwise = p.Group == p.InChannels && p.Group == p.OutChannels;
        _pointwise = p.KernelH == 1 && p.KernelW == 1 && p.StrideH == 1 && p.StrideW == 1
            && p.PadTop == 0 && p.PadLeft == 0 && p.PadBottom == 0 && p.PadRight == 0;
        if (_depthwise)
        {
            _weights = weights.ToArray();
            _packed = [];
            return;
        }

        _weights = [];
        _packedPerGroup = Sgemm.PackedASize(og, kg);
        _packed = new float[(long)_packedPerGroup * p.Group];
        for (int g = 0; g < p.Group; g++)
        {
            Sgemm.PackA(weights.Slice(g * og * kg, og * kg), kg, false, og, kg, _packed.AsSpan(g * _packedPerGroup, _packedPerGroup));
        }
    }

    /// <summary>The parameters.</summary>
    public ConvParameters Parameters => _p;

    /// <summary>
    /// A fused activation applied to the output: NaN none (default), otherwise
    /// y = y &gt; 0 ? y : alpha * y (0 is Relu, 0.1 Darknet's leaky).
    /// </summary>
    public float ActivationAlpha { get; init; } = float.NaN;

    /// <summary>
    /// Convolves <paramref name="x"/> (batch x C x H x W) into <paramref name="y"/> (batch x O x OH x OW)
    /// on up to <paramref name="maxThreads"/> threads.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int batch, int height, int width, Span<float> y, int maxThreads)
    {
        ConvParameters p = _p;
        int oh = p.OutHeight(height);
        int ow = p.OutWidth(width);
        long inSize = (long)p.InChannels * height * width;
        long outSize = (long)p.OutChannels * oh * ow;
        if (x.Length < batch * inSize || y.Length < batch * outSize || oh <= 0 || ow <= 0)
        {
            ThrowHelper.Argument(nameof(y), "or x is too short for the shapes");
        }

        if (_depthwise)
        {
            Depthwise(x, batch, height, width, oh, ow, y, maxThreads);
            return;
        }

        int cg = p.InChannels / p.Group;
        int og = p.OutChannels / p.Group;
        int kg = cg * p.KernelH * p.KernelW;
        int n = oh * ow;
        var geometry = new ConvGeometry(cg, height, width, p.KernelH, p.KernelW, p.StrideH, p.StrideW, p.PadTop, p.PadLeft, p.DilationH, p.DilationW, oh, ow);
        fixed (float* px = x)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int g = 0; g < p.Group; g++)
                {
                    Span<float> yg = y.Slice((int)((b * outSize) + ((long)g * og * n)), og * n);
                    bool accumulate = false;
                    if (_bias is not null)
                    {
                        for (int o = 0; o < og; o++)
                        {
                            yg.Slice(o * n, n).Fill(_bias[(g * og) + o]);
                        }

                        accumulate = true;
                    }

                    float* xg = px + (b * inSize) + ((long)g * cg * height * width);
                    ReadOnlySpan<float> a = _packed.AsSpan(g * _packedPerGroup, _packedPerGroup);
                    if (_pointwise)
                    {
                        Sgemm.Multiply(a, og, n, kg, new DenseSource(xg, n, false), yg, n, accumulate, maxThreads, ActivationAlpha);
                    }
                    else
                    {
                        Sgemm.Multiply(a, og, n, kg, new Im2ColSource(xg, geometry), yg, n, accumulate, maxThreads, ActivationAlpha);
                    }
                }
            }
        }
    }

    private void Depthwise(ReadOnlySpan<float> x, int batch, int height, int width, int oh, int ow, Span<float> y, int maxThreads)
    {
        int channels = _p.InChannels;
        int planes = batch * channels;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            nint xs = (nint)px;
            nint ys = (nint)py;
            if (maxThreads <= 1 || (long)planes * oh * ow * _p.KernelH * _p.KernelW < 1 << 18)
            {
                for (int i = 0; i < planes; i++)
                {
                    DepthwisePlane(i, xs, ys, height, width, oh, ow);
                }
            }
            else
            {
                Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, i => DepthwisePlane(i, xs, ys, height, width, oh, ow));
            }
        }
    }

    private void DepthwisePlane(int plane, nint xs, nint ys, int height, int width, int oh, int ow)
    {
        ConvParameters p = _p;
        int c = plane % p.InChannels;
        var src = new ReadOnlySpan<float>((float*)xs + ((long)plane * height * width), height * width);
        var dst = new Span<float>((float*)ys + ((long)plane * oh * ow), oh * ow);
        dst.Fill(_bias is null ? 0f : _bias[c]);
        ReadOnlySpan<float> wc = _weights.AsSpan(c * p.KernelH * p.KernelW, p.KernelH * p.KernelW);
        DepthwiseAccumulate(p, src, dst, wc, height, width, oh, ow);
        if (!float.IsNaN(ActivationAlpha))
        {
            Activations.LeakyRelu(dst, ActivationAlpha, dst);
        }
    }

    private static void DepthwiseAccumulate(ConvParameters p, ReadOnlySpan<float> src, Span<float> dst, ReadOnlySpan<float> wc, int height, int width, int oh, int ow)
    {
        for (int ky = 0; ky < p.KernelH; ky++)
        {
            for (int kx = 0; kx < p.KernelW; kx++)
            {
                float wv = wc[(ky * p.KernelW) + kx];
                int offX = (kx * p.DilationW) - p.PadLeft;

                // Output columns whose input column ox*sw + offX lies in [0, width).
                int lo = offX >= 0 ? 0 : (-offX + p.StrideW - 1) / p.StrideW;
                int hi = width - offX <= 0 ? 0 : Math.Min(ow, ((width - 1 - offX) / p.StrideW) + 1);
                if (hi <= lo)
                {
                    continue;
                }

                for (int oy = 0; oy < oh; oy++)
                {
                    int iy = (oy * p.StrideH) - p.PadTop + (ky * p.DilationH);
                    if ((uint)iy >= (uint)height)
                    {
                        continue;
                    }

                    ReadOnlySpan<float> inRow = src.Slice(iy * width, width);
                    Span<float> outRow = dst.Slice((oy * ow) + lo, hi - lo);
                    if (p.StrideW == 1)
                    {
                        TensorPrimitives.MultiplyAdd(inRow.Slice(lo + offX, hi - lo), wv, outRow, outRow);
                    }
                    else
                    {
                        int ix = (lo * p.StrideW) + offX;
                        for (int t = 0; t < outRow.Length; t++, ix += p.StrideW)
                        {
                            outRow[t] = MathF.FusedMultiplyAdd(wv, inRow[ix], outRow[t]);
                        }
                    }
                }
            }
        }
    }
}
