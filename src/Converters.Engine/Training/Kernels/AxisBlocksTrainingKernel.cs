using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Concat and Split (Darknet route): the forward copies contiguous blocks of (count along the axis
/// x inner) per outer index between the joined tensor and its parts, so the backward adds the same
/// blocks the other way — Concat: dX_i += the i-th range of dY; Split: the i-th range of dX += dY_i.
/// </summary>
internal sealed class AxisBlocksTrainingKernel : ReusedForwardKernel
{
    private readonly bool _concat;
    private readonly int _outer;
    private readonly int _inner;
    private readonly int _total;
    private readonly int[] _counts;

    public AxisBlocksTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        _concat = c.Node.OpType == "Concat";
        TensorShape joined = _concat ? c.OutputShape(0) : c.InputShape(0);
        int axis = (int)(c.Int("axis") < 0 ? c.Int("axis") + joined.Rank : c.Int("axis"));
        _outer = 1;
        _inner = 1;
        for (int i = 0; i < axis; i++)
        {
            _outer *= joined[i];
        }

        for (int i = axis + 1; i < joined.Rank; i++)
        {
            _inner *= joined[i];
        }

        _total = joined[axis];
        _counts = _concat
            ? [.. Enumerable.Range(0, c.Node.Inputs.Count).Select(i => c.InputShape(i)[axis])]
            : [.. Enumerable.Range(0, c.Node.Outputs.Count).Select(i => c.OutputShape(i)[axis])];
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? joined = _concat ? state.Gradients[OutputIds[0]] : InputGradient(state, InputIds[0]);
        if (joined is null)
        {
            return;
        }

        int start = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            float[]? part = _concat ? InputGradient(state, InputIds[i]) : state.Gradients[OutputIds[i]];
            int block = _counts[i] * _inner;
            if (part is not null && block > 0)
            {
                for (int o = 0; o < _outer; o++)
                {
                    Span<float> p = part.AsSpan(o * block, block), j = joined.AsSpan(((o * _total) + start) * _inner, block);
                    if (_concat)
                    {
                        TensorPrimitives.Add(p, j, p);
                    }
                    else
                    {
                        TensorPrimitives.Add(j, p, j);
                    }
                }
            }

            start += _counts[i];
        }
    }
}
