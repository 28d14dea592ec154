using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Darknet [shortcut] in training, the forward being the inference kernel. Unweighted (pjreddie):
/// the output starts as X0 and each further input Xi either adds beta Xi everywhere (same shape) or,
/// over the overlap of channels and the strided/sampled positions, replaces out with s out + beta Xi
/// (s = alpha for the first further input, 1 after); so dX0 = dy, times alpha on the first input's
/// overlap when that one is strided, and dXi[source] += beta dy over its overlap. Weighted
/// (AlexeyAB per_feature / per_channel, with relu or softmax normalisation): dX0 += w0 dy and
/// dXi += wi dy over the elements Xi reaches. The weights themselves are an initializer without a
/// Weight role in the schema, so they stay fixed (no gradient).
/// </summary>
internal sealed class ShortcutTrainingKernel : ReusedForwardKernel
{
    private readonly int _batch;
    private readonly int _channels;
    private readonly int _height;
    private readonly int _width;
    private readonly int _features;
    private readonly TensorShape[] _shapes;
    private readonly bool[] _full;
    private readonly float _alpha;
    private readonly float _beta;
    private readonly float[]? _weights;
    private readonly bool _perChannel;
    private readonly int _normalization;

    public ShortcutTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape s0 = c.InputShape(0);
        (_batch, _channels, _height, _width) = (s0[0], s0[1], s0[2], s0[3]);
        string weightsType = c.String("weights_type");
        int count = c.Node.Inputs.Count;
        _features = weightsType == "none" ? count : count - 1;
        _shapes = [.. Enumerable.Range(0, _features).Select(c.InputShape)];
        _alpha = c.Float("alpha");
        _beta = c.Float("beta");
        _full = [.. Enumerable.Range(0, _features).Select(i => i > 0 && _shapes[i] == s0 && (i > 1 || _alpha == 1f))];
        if (weightsType != "none")
        {
            _weights = c.Inference.Constant(count - 1);
            _perChannel = weightsType == "per_channel";
            _normalization = c.String("weights_normalization") switch { "relu" or "avg_relu" => 1, "softmax" => 2, _ => 0 };
        }
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        float[] dy = state.Gradients[OutputIds[0]]!;
        if (_weights is not null)
        {
            BackwardWeighted(state, dy);
            return;
        }

        int n0 = _batch * _channels * _height * _width;
        if (InputGradient(state, InputIds[0]) is float[] dx0)
        {
            TensorPrimitives.Add(dx0.AsSpan(0, n0), dy.AsSpan(0, n0), dx0.AsSpan(0, n0));
            if (_features > 1 && !_full[1] && _alpha != 1f)
            {
                // The first strided input scaled X0 by alpha over its overlap.
                Strided(_shapes[1], dy, dx0, _alpha - 1f, toInput: false);
            }
        }

        for (int i = 1; i < _features; i++)
        {
            if (InputGradient(state, InputIds[i]) is not float[] dxi)
            {
                continue;
            }

            if (_full[i])
            {
                TensorPrimitives.MultiplyAdd(dy.AsSpan(0, n0), _beta, dxi.AsSpan(0, n0), dxi.AsSpan(0, n0));
            }
            else
            {
                Strided(_shapes[i], dy, dxi, _beta, toInput: true);
            }
        }
    }

    /// <summary>
    /// Over the overlap of <see cref="Converters.Engine.Kernels.Detection.ShortcutStrided"/>'s index pairs: adds
    /// factor dy[out] into target[add] (toInput) or into target[out] (X0's own gradient).
    /// </summary>
    private void Strided(TensorShape si, float[] dy, float[] target, float factor, bool toInput)
    {
        int c1 = si[1], h1 = si[2], w1 = si[3];
        int stride = Math.Max(w1 / _width, 1), sample = Math.Max(_width / w1, 1);
        int minw = Math.Min(w1, _width), minh = Math.Min(h1, _height), minc = Math.Min(c1, _channels);
        for (int b = 0; b < _batch; b++)
        {
            for (int k = 0; k < minc; k++)
            {
                for (int j = 0; j < minh; j++)
                {
                    for (int i = 0; i < minw; i++)
                    {
                        int outIndex = (i * sample) + (_width * ((j * sample) + (_height * (k + (_channels * b)))));
                        int addIndex = (i * stride) + (w1 * ((j * stride) + (h1 * (k + (c1 * b)))));
                        target[toInput ? addIndex : outIndex] += factor * dy[outIndex];
                    }
                }
            }
        }
    }

    private void BackwardWeighted(TrainingState state, float[] dy)
    {
        float[] w = _weights!;
        int n = _features - 1;
        int src = _channels * _height * _width;
        int layerStep = _perChannel ? _channels : 1;
        int step = src / layerStep;
        for (int l = 0; l <= n; l++)
        {
            if (InputGradient(state, InputIds[l]) is not float[] dx)
            {
                continue;
            }

            int size = l == 0 ? src : checked((int)(_shapes[l].ElementCount / _shapes[l][0]));
            int limit = Math.Min(size, src);
            for (int b = 0; b < _batch; b++)
            {
                for (int i = 0; i < limit; i++)
                {
                    int wi = i / step;
                    dx[(size * b) + i] += dy[(b * src) + i] * NormalizedWeight(w, wi, l, n, layerStep);
                }
            }
        }
    }

    /// <summary>Weight l of the feature (or channel) wi after Darknet's normalisation (relu: relu(w) / (1e-4 + Σ relu); softmax: exp(w − max) / (1e-4 + Σ exp)).</summary>
    private float NormalizedWeight(float[] weights, int wi, int l, int n, int layerStep)
    {
        float value = weights[wi + (l * layerStep)];
        if (_normalization == 0)
        {
            return value;
        }

        float max = float.MinValue, sum = 0.0001f;
        if (_normalization == 2)
        {
            for (int k = 0; k <= n; k++)
            {
                max = Math.Max(max, weights[wi + (k * layerStep)]);
            }
        }

        for (int k = 0; k <= n; k++)
        {
            float v = weights[wi + (k * layerStep)];
            sum += _normalization == 1 ? Math.Max(v, 0f) : MathF.Exp(v - max);
        }

        return _normalization == 1 ? Math.Max(value, 0f) / sum : MathF.Exp(value - max) / sum;
    }
}
