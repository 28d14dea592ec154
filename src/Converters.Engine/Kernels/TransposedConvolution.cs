using System.Buffers;

namespace Converters.Engine.Kernels;

/// <summary>
/// 2-D transposed convolution (IOHW weights, I x O/group x kh x kw): per group a GEMM
/// cols (O/g*kh*kw x H*W) = W_g^T * X_g, then col2im scatters each column entry to
/// y[o, iy*sh - pt + ky*dh, ix*sw - pl + kx*dw] when inside the output.
/// </summary>
public sealed unsafe class TransposedConvolution
{
    private readonly int _inC, _outC, _kh, _kw, _sh, _sw, _pt, _pl, _dh, _dw, _group;
    private readonly float[] _packed;
    private readonly int _packedPerGroup;
    private readonly float[]? _bias;

    /// <summary>Prepares the weights.</summary>
    public TransposedConvolution(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW, int group, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        (_inC, _outC, _kh, _kw, _sh, _sw, _pt, _pl, _dh, _dw, _group) = (inChannels, outChannels, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, group);
        int cg = inChannels / group, og = outChannels / group;
        int rows = og * kernelH * kernelW;
        if (weights.Length != (long)inChannels * rows)
        {
            ThrowHelper.Argument(nameof(weights), "do not match the parameters");
        }

        _bias = bias.IsEmpty ? null : bias.ToArray();
        _packedPerGroup = Sgemm.PackedASize(rows, cg);
        _packed = new float[(long)_packedPerGroup * group];
        for (int g = 0; g < group; g++)
        {
            Sgemm.PackA(weights.Slice(g * cg * rows, cg * rows), rows, true, rows, cg, _packed.AsSpan(g * _packedPerGroup, _packedPerGroup));
        }
    }

    /// <summary>Computes y (batch x O x OH x OW) from x (batch x I x H x W).</summary>
    public void Forward(ReadOnlySpan<float> x, int batch, int height, int width, int outH, int outW, Span<float> y, int maxThreads)
    {
        int cg = _inC / _group, og = _outC / _group;
        int rows = og * _kh * _kw;
        int n = height * width;
        float[] cols = ArrayPool<float>.Shared.Rent(Math.Max(1, rows * n));
        try
        {
            fixed (float* px = x)
            {
                for (int b = 0; b < batch; b++)
                {
                    for (int g = 0; g < _group; g++)
                    {
                        float* xg = px + ((((long)b * _inC) + (g * cg)) * n);
                        Sgemm.Multiply(_packed.AsSpan(g * _packedPerGroup, _packedPerGroup), rows, n, cg, new DenseSource(xg, n, false), cols, n, false, maxThreads);
                        for (int o = 0; o < og; o++)
                        {
                            int oc = (g * og) + o;
                            Span<float> plane = y.Slice((((b * _outC) + oc) * outH) * outW, outH * outW);
                            plane.Fill(_bias is null ? 0f : _bias[oc]);
                            for (int ky = 0; ky < _kh; ky++)
                            {
                                for (int kx = 0; kx < _kw; kx++)
                                {
                                    ReadOnlySpan<float> col = cols.AsSpan((((o * _kh) + ky) * _kw + kx) * n, n);
                                    for (int iy = 0; iy < height; iy++)
                                    {
                                        int oy = (iy * _sh) - _pt + (ky * _dh);
                                        if ((uint)oy >= (uint)outH)
                                        {
                                            continue;
                                        }

                                        for (int ix = 0; ix < width; ix++)
                                        {
                                            int ox = (ix * _sw) - _pl + (kx * _dw);
                                            if ((uint)ox < (uint)outW)
                                            {
                                                plane[(oy * outW) + ox] += col[(iy * width) + ix];
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
        }
    }
}
