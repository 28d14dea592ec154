using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Softmax along an axis, with Darknet's temperature t (the softmax of x / t) and its hierarchical
/// variant (<c>group_sizes</c>: each contiguous group of the axis normalised on its own). With y the
/// output, the Jacobian-vector product over each group is dx = y (dy − Σ y dy) / t.
/// </summary>
internal sealed class SoftmaxTrainingKernel : ReusedForwardKernel
{
    private readonly int _outer;
    private readonly int _count;
    private readonly int _inner;
    private readonly int[] _groups;
    private readonly float _inverseTemperature;
    private readonly float[] _sums;
    private readonly float[] _scratch;

    public SoftmaxTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        int axis = (int)(c.Int("axis") < 0 ? c.Int("axis") + s.Rank : c.Int("axis"));
        _outer = 1;
        _inner = 1;
        for (int i = 0; i < axis; i++)
        {
            _outer *= s[i];
        }

        for (int i = axis + 1; i < s.Rank; i++)
        {
            _inner *= s[i];
        }

        _count = s[axis];
        _groups = c.HasAttribute("group_sizes") ? [.. c.Ints("group_sizes").Select(g => checked((int)g))] : [_count];
        _inverseTemperature = 1f / c.Float("temperature");
        _sums = new float[_inner];
        _scratch = new float[Math.Max(_inner, _count)];
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] y = state.Values[OutputIds[0]], dy = state.Gradients[OutputIds[0]]!;
        Span<float> sums = _sums, t = _scratch.AsSpan(0, _inner);
        for (int o = 0; o < _outer; o++)
        {
            int offset = o * _count * _inner;
            foreach (int size in _groups)
            {
                if (_inner == 1)
                {
                    // Contiguous group (a classifier's row): one dot product, one fused update.
                    ReadOnlySpan<float> yg = y.AsSpan(offset, size), gg = dy.AsSpan(offset, size);
                    Span<float> tg = _scratch.AsSpan(0, size), dg = dx.AsSpan(offset, size);
                    TensorPrimitives.Subtract(gg, TensorPrimitives.Dot(yg, gg), tg);
                    TensorPrimitives.Multiply(tg, yg, tg);
                    TensorPrimitives.MultiplyAdd(tg, _inverseTemperature, dg, dg);
                    offset += size;
                    continue;
                }

                sums.Clear();
                for (int k = 0; k < size; k++)
                {
                    int row = offset + (k * _inner);
                    TensorPrimitives.MultiplyAdd(y.AsSpan(row, _inner), dy.AsSpan(row, _inner), sums, sums);
                }

                for (int k = 0; k < size; k++)
                {
                    int row = offset + (k * _inner);
                    TensorPrimitives.Subtract(dy.AsSpan(row, _inner), sums, t);
                    TensorPrimitives.Multiply(t, y.AsSpan(row, _inner), t);
                    Span<float> d = dx.AsSpan(row, _inner);
                    TensorPrimitives.MultiplyAdd(t, _inverseTemperature, d, d);
                }

                offset += size * _inner;
            }
        }
    }
}
