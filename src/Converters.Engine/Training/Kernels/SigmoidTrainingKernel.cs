using System.Numerics;
using System.Runtime.InteropServices;

namespace Converters.Engine.Training.Kernels;

/// <summary>Sigmoid: dx += dy y (1 − y).</summary>
internal sealed class SigmoidTrainingKernel(TrainingNodeContext context) : ElementwiseTrainingKernel(context)
{
    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(dy);
            Span<Vector<float>> dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
            for (int v = 0; v < yv.Length; v++)
            {
                dv[v] += gv[v] * yv[v] * (Vector<float>.One - yv[v]);
            }

            i = yv.Length * Vector<float>.Count;
        }

        for (; i < y.Length; i++)
        {
            dx[i] += dy[i] * y[i] * (1f - y[i]);
        }
    }
}
