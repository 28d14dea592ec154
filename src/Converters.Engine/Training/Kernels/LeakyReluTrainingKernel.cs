using System.Numerics;
using System.Runtime.InteropServices;

namespace Converters.Engine.Training.Kernels;

/// <summary>LeakyRelu: dx += dy where x &gt; 0, alpha dy elsewhere.</summary>
internal sealed class LeakyReluTrainingKernel : ElementwiseTrainingKernel
{
    private readonly float _alpha;

    public LeakyReluTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        _alpha = context.Float("alpha");
    }

    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Accumulate(x, _alpha, dy, dx);

    /// <summary>dx += (x &gt; 0 ? 1 : slope) dy.</summary>
    internal static void Accumulate(ReadOnlySpan<float> x, float slope, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = new Vector<float>(slope);
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(dy);
            Span<Vector<float>> dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
            for (int v = 0; v < xv.Length; v++)
            {
                Vector<float> g = gv[v];
                dv[v] += Vector.ConditionalSelect(Vector.GreaterThan(xv[v], Vector<float>.Zero), g, g * a);
            }

            i = xv.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            dx[i] += x[i] > 0 ? dy[i] : slope * dy[i];
        }
    }
}
