using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// The activation a Darknet [region] head applies: σ on x, y and objectness (dx = y (1 − y) dy),
/// the other coordinates raw (dx = dy), and on the classes at each position a softmax (whole, or per
/// group of the YOLO9000 tree: dx = y (dy − Σ_group y dy)) or σ.
/// </summary>
internal sealed class RegionTrainingKernel : ReusedForwardKernel
{
    private readonly int _batch;
    private readonly int _anchors;
    private readonly int _coords;
    private readonly int _classes;
    private readonly int _plane;
    private readonly int[]? _groups;
    private readonly float[] _sums;

    public RegionTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        _batch = s[0];
        _anchors = (int)c.Int("num");
        _coords = (int)c.Int("coords");
        _classes = (int)c.Int("classes");
        _plane = s[2] * s[3];
        _groups = c.HasAttribute("group_sizes") ? [.. c.Ints("group_sizes").Select(g => checked((int)g))]
            : c.Int("softmax") != 0 ? [_classes] : null;
        _sums = new float[_plane];
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] y = state.Values[OutputIds[0]], dy = state.Gradients[OutputIds[0]]!;
        int per = _coords + _classes + 1;
        for (int b = 0; b < _batch; b++)
        {
            for (int n = 0; n < _anchors; n++)
            {
                int off = ((b * _anchors) + n) * per * _plane;
                int cls = off + ((_coords + 1) * _plane);
                for (int i = off; i < cls; i++)
                {
                    int e = (i - off) / _plane;
                    bool logistic = e < 2 || e == _coords;
                    dx[i] += logistic ? y[i] * (1f - y[i]) * dy[i] : dy[i];
                }

                if (_groups is null)
                {
                    for (int i = cls; i < cls + (_classes * _plane); i++)
                    {
                        dx[i] += y[i] * (1f - y[i]) * dy[i];
                    }

                    continue;
                }

                int start = cls;
                foreach (int size in _groups)
                {
                    Span<float> sums = _sums;
                    sums.Clear();
                    for (int k = 0; k < size; k++)
                    {
                        int row = start + (k * _plane);
                        for (int p = 0; p < _plane; p++)
                        {
                            sums[p] += y[row + p] * dy[row + p];
                        }
                    }

                    for (int k = 0; k < size; k++)
                    {
                        int row = start + (k * _plane);
                        for (int p = 0; p < _plane; p++)
                        {
                            dx[row + p] += y[row + p] * (dy[row + p] - sums[p]);
                        }
                    }

                    start += size * _plane;
                }
            }
        }
    }
}
