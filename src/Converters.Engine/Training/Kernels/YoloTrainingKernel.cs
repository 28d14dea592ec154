using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// The activation a Darknet [yolo] head applies (the YOLO loss itself is separate): per anchor,
/// x and y get s σ(v) − (s − 1) / 2 (dx = s σ(1 − σ) dy), w and h pass raw (dx = dy), objectness and
/// classes get σ (dx = y (1 − y) dy); with new_coords nothing but the x, y scaling (dx = s dy there).
/// </summary>
internal sealed class YoloTrainingKernel : ReusedForwardKernel
{
    private readonly int _batch;
    private readonly int _anchors;
    private readonly int _per;
    private readonly int _plane;
    private readonly float _scale;
    private readonly bool _newCoords;

    public YoloTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        _batch = s[0];
        _anchors = c.Ints("mask").Length;
        _per = (int)c.Int("classes") + 5;
        _plane = s[2] * s[3];
        _scale = c.Float("scale_x_y");
        _newCoords = c.Int("new_coords") != 0;
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] x = state.Values[InputIds[0]], y = state.Values[OutputIds[0]], dy = state.Gradients[OutputIds[0]]!;
        for (int b = 0; b < _batch; b++)
        {
            for (int n = 0; n < _anchors; n++)
            {
                int off = ((b * _anchors) + n) * _per * _plane;
                for (int i = off; i < off + (2 * _plane); i++)
                {
                    float d = _scale;
                    if (!_newCoords)
                    {
                        float sig = 1f / (1f + MathF.Exp(-x[i]));
                        d *= sig * (1f - sig);
                    }

                    dx[i] += d * dy[i];
                }

                for (int i = off + (2 * _plane); i < off + (4 * _plane); i++)
                {
                    dx[i] += dy[i];
                }

                for (int i = off + (4 * _plane); i < off + (_per * _plane); i++)
                {
                    dx[i] += _newCoords ? dy[i] : y[i] * (1f - y[i]) * dy[i];
                }
            }
        }
    }
}
