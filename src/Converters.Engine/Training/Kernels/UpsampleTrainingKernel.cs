using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>Nearest-neighbour Upsample by (sh, sw): each input pixel receives the sum of the gradients of its sh x sw copies.</summary>
internal sealed class UpsampleTrainingKernel : ReusedForwardKernel
{
    private readonly int _planes;
    private readonly int _height;
    private readonly int _width;
    private readonly int _scaleH;
    private readonly int _scaleW;

    public UpsampleTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s = c.InputShape(0);
        var scales = c.Ints("scales");
        (_planes, _height, _width) = (s[0] * s[1], s[2], s[3]);
        (_scaleH, _scaleW) = ((int)scales[0], (int)scales[1]);
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] dy = state.Gradients[OutputIds[0]]!;
        int ow = _width * _scaleW;
        for (int c = 0; c < _planes; c++)
        {
            for (int y = 0; y < _height; y++)
            {
                Span<float> row = dx.AsSpan(((c * _height) + y) * _width, _width);
                for (int r = 0; r < _scaleH; r++)
                {
                    ReadOnlySpan<float> g = dy.AsSpan(((((c * _height) + y) * _scaleH) + r) * ow, ow);
                    for (int x = 0; x < _width; x++)
                    {
                        float sum = 0;
                        for (int k = 0; k < _scaleW; k++)
                        {
                            sum += g[(x * _scaleW) + k];
                        }

                        row[x] += sum;
                    }
                }
            }
        }
    }
}
