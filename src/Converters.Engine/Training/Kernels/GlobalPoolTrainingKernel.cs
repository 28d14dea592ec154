using System.Numerics.Tensors;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// GlobalAveragePool (dx += dy / (H W) over the plane) and GlobalMaxPool (dx += dy at the plane's
/// first maximum).
/// </summary>
internal sealed class GlobalPoolTrainingKernel : ReusedForwardKernel
{
    private readonly bool _max;
    private readonly int _planes;
    private readonly int _size;
    private readonly Action<int, int> _backwardPlanes;
    private float[] _x = [];
    private float[] _dy = [];
    private float[] _dx = [];

    public GlobalPoolTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        _max = c.Node.OpType == "GlobalMaxPool";
        _planes = c.InputShape(0)[0] * c.InputShape(0)[1];
        _size = checked((int)(c.InputShape(0).ElementCount / Math.Max(1, _planes)));
        _backwardPlanes = BackwardPlanes;
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx || _size == 0)
        {
            return;
        }

        (_x, _dy, _dx) = (state.Values[InputIds[0]], state.Gradients[OutputIds[0]]!, dx);
        TrainingParallel.For(_planes, state.MaxThreads, (long)_planes * _size, _backwardPlanes);
    }

    private void BackwardPlanes(int start, int end)
    {
        for (int c = start; c < end; c++)
        {
            Span<float> d = _dx.AsSpan(c * _size, _size);
            if (_max)
            {
                d[TensorPrimitives.IndexOfMax<float>(_x.AsSpan(c * _size, _size))] += _dy[c];
            }
            else
            {
                TensorPrimitives.Add(d, _dy[c] / _size, d);
            }
        }
    }
}
