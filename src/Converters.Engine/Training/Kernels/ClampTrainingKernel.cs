using System.Numerics;
using System.Runtime.InteropServices;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// The clamped linear activations y = clamp(a x + b, low, high): Relu6 (a 1, b 0, [0, 6]) and
/// HardSigmoid (alpha, beta, [0, 1]). dx += a dy where the output is strictly inside the range.
/// </summary>
internal sealed class ClampTrainingKernel : ElementwiseTrainingKernel
{
    private readonly float _slope;
    private readonly float _low;
    private readonly float _high;

    public ClampTrainingKernel(TrainingNodeContext context)
        : base(context)
    {
        bool relu6 = context.Node.OpType == "Relu6";
        _slope = relu6 ? 1f : context.Float("alpha");
        _low = 0f;
        _high = relu6 ? 6f : 1f;
    }

    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var low = new Vector<float>(_low);
            var high = new Vector<float>(_high);
            var slope = new Vector<float>(_slope);
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(dy);
            Span<Vector<float>> dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
            for (int v = 0; v < yv.Length; v++)
            {
                Vector<int> inside = Vector.GreaterThan(yv[v], low) & Vector.LessThan(yv[v], high);
                dv[v] += Vector.ConditionalSelect(inside, gv[v] * slope, Vector<float>.Zero);
            }

            i = yv.Length * Vector<float>.Count;
        }

        for (; i < y.Length; i++)
        {
            if (y[i] > _low && y[i] < _high)
            {
                dx[i] += _slope * dy[i];
            }
        }
    }
}
