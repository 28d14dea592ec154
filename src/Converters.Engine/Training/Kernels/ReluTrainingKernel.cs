using System.Numerics;
using System.Runtime.InteropServices;

namespace Converters.Engine.Training.Kernels;

/// <summary>Relu: dx += dy where y = max(x, 0) is positive.</summary>
internal sealed class ReluTrainingKernel(TrainingNodeContext context) : ElementwiseTrainingKernel(context)
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
                dv[v] += Vector.ConditionalSelect(Vector.GreaterThan(yv[v], Vector<float>.Zero), gv[v], Vector<float>.Zero);
            }

            i = yv.Length * Vector<float>.Count;
        }

        for (; i < y.Length; i++)
        {
            if (y[i] > 0)
            {
                dx[i] += dy[i];
            }
        }
    }
}
