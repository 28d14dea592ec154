using System.Numerics.Tensors;
using Converters.Engine.Kernels;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Add, Sub, Mul, Div, Max and Min with NumPy broadcasting. The backward walks the output once, row
/// by row of its last dimension, and adds each element's partial derivative into the element of A
/// and of B it was computed from — so the gradient of a broadcast operand is summed over the axes
/// it was broadcast along. Max and Min send the gradient to A where A wins or ties, to B elsewhere.
/// </summary>
internal sealed class BinaryTrainingKernel : ReusedForwardKernel
{
    private readonly BinaryOperator _op;
    private readonly int[] _outShape;
    private readonly int[] _aStrides;
    private readonly int[] _bStrides;
    private readonly int[] _index;
    private readonly int _count;
    private readonly bool _same;

    public BinaryTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        _op = c.Node.OpType switch
        {
            "Add" => BinaryOperator.Add,
            "Sub" => BinaryOperator.Subtract,
            "Mul" => BinaryOperator.Multiply,
            "Div" => BinaryOperator.Divide,
            "Max" => BinaryOperator.Max,
            _ => BinaryOperator.Min,
        };
        TensorShape o = c.OutputShape(0);
        _outShape = [.. o.Dimensions];
        _aStrides = Strides(c.InputShape(0), _outShape);
        _bStrides = Strides(c.InputShape(1), _outShape);
        _index = new int[_outShape.Length];
        _count = checked((int)o.ElementCount);
        _same = c.InputShape(0).ElementCount == _count && c.InputShape(1).ElementCount == _count;
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[]? da = InputGradient(state, InputIds[0]), db = InputGradient(state, InputIds[1]);
        float[] a = state.Values[InputIds[0]], b = state.Values[InputIds[1]], y = state.Values[OutputIds[0]], dy = state.Gradients[OutputIds[0]]!;
        if (_count == 0)
        {
            return;
        }

        if (_same && _op is BinaryOperator.Add or BinaryOperator.Subtract)
        {
            Span<float> g = dy.AsSpan(0, _count);
            if (da is not null)
            {
                TensorPrimitives.Add(da.AsSpan(0, _count), g, da.AsSpan(0, _count));
            }

            if (db is not null)
            {
                if (_op == BinaryOperator.Add)
                {
                    TensorPrimitives.Add(db.AsSpan(0, _count), g, db.AsSpan(0, _count));
                }
                else
                {
                    TensorPrimitives.Subtract(db.AsSpan(0, _count), g, db.AsSpan(0, _count));
                }
            }

            return;
        }

        if (_same && _op == BinaryOperator.Multiply)
        {
            ReadOnlySpan<float> g = dy.AsSpan(0, _count);
            if (da is not null)
            {
                TensorPrimitives.MultiplyAdd(g, b.AsSpan(0, _count), da.AsSpan(0, _count), da.AsSpan(0, _count));
            }

            if (db is not null)
            {
                TensorPrimitives.MultiplyAdd(g, a.AsSpan(0, _count), db.AsSpan(0, _count), db.AsSpan(0, _count));
            }

            return;
        }

        int rank = _outShape.Length;
        int last = rank == 0 ? 1 : _outShape[rank - 1];
        int sa = rank == 0 ? 0 : _aStrides[rank - 1], sb = rank == 0 ? 0 : _bStrides[rank - 1];
        Array.Clear(_index);
        int rows = _count / last;
        for (int r = 0; r < rows; r++)
        {
            int ao = 0, bo = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                ao += _index[d] * _aStrides[d];
                bo += _index[d] * _bStrides[d];
            }

            int yo = r * last;
            for (int j = 0; j < last; j++)
            {
                int ai = ao + (j * sa), bi = bo + (j * sb);
                float g = dy[yo + j];
                (float ga, float gb) = _op switch
                {
                    BinaryOperator.Add => (g, g),
                    BinaryOperator.Subtract => (g, -g),
                    BinaryOperator.Multiply => (g * b[bi], g * a[ai]),
                    BinaryOperator.Divide => (g / b[bi], -g * y[yo + j] / b[bi]),
                    BinaryOperator.Max => a[ai] >= b[bi] ? (g, 0f) : (0f, g),
                    _ => a[ai] <= b[bi] ? (g, 0f) : (0f, g),
                };
                if (da is not null)
                {
                    da[ai] += ga;
                }

                if (db is not null)
                {
                    db[bi] += gb;
                }
            }

            for (int d = rank - 2; d >= 0; d--)
            {
                if (++_index[d] < _outShape[d])
                {
                    break;
                }

                _index[d] = 0;
            }
        }
    }

    /// <summary>Strides of <paramref name="shape"/> right-aligned to the output, 0 along broadcast axes.</summary>
    private static int[] Strides(TensorShape shape, int[] outShape)
    {
        int rank = outShape.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int source = d - (rank - shape.Rank);
            int dim = source < 0 ? 1 : shape[source];
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }

        return strides;
    }
}
