using System.Buffers;
using System.Numerics.Tensors;
using Converters.Ir;
using Converters.Ir.Schemas;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// BatchNormalization in training. Training mode normalizes each channel by the statistics of the
/// batch (m = batch x pixels values): mean μ, variance v (biased, or unbiased with Darknet's
/// epsilon form, as Darknet computes it), D = sqrt(v + eps) or sqrt(v) + eps; y = γ (x − μ) / D + β;
/// and updates the running statistics: (1 − momentum) · old + momentum · batch, with the unbiased
/// batch variance (PyTorch; Darknet's 0.01 is momentum 0.01). Evaluation mode uses the running statistics. The backward is the
/// exact derivative of the forward in the current mode:
/// dx = γ/D · (dy − Σdy/m − (x − μ) · Σ(dy·(x − μ)) · k), with k = 1/(den·D²) for D = sqrt(v + eps)
/// and k = 1/(den·D·sqrt(v)) for D = sqrt(v) + eps (den = m or m − 1).
/// </summary>
internal sealed class BatchNormTrainingKernel : TrainingKernel
{
    private readonly int _channels;
    private readonly int _spatial;
    private readonly float _epsilon;
    private readonly bool _darknet;
    private readonly float[] _mean;
    private readonly float[] _inverse;
    private readonly float[] _k;

    public BatchNormTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape x = c.InputShape(0);
        _channels = x[1];
        _spatial = 1;
        for (int d = 2; d < x.Rank; d++)
        {
            _spatial *= x[d];
        }

        _epsilon = c.Float("epsilon");
        _darknet = c.String("epsilon_mode") == StandardOps.EpsilonAfterSqrt;
        _mean = new float[_channels];
        _inverse = new float[_channels];
        _k = new float[_channels];
    }

    private bool LastForwardTrained { get; set; }

    public override void Forward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]], y = state.Values[OutputIds[0]];
        float[] gamma = state.Values[InputIds[1]], beta = state.Values[InputIds[2]];
        float[] runningMean = state.Values[InputIds[3]], runningVar = state.Values[InputIds[4]];
        int batch = state.Batch;
        bool training = state.Training;
        LastForwardTrained = training;
        long m = (long)batch * _spatial;
        double den = _darknet ? Math.Max(1, m - 1) : m;
        Parallel.For(0, _channels, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, state.MaxThreads) }, (int ch) =>
        {
            double mean, variance;
            if (training)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    sum += TensorPrimitives.Sum(Row(x, b, ch));
                }

                mean = sum / m;
                double squares = 0;
                float[] centered = ArrayPool<float>.Shared.Rent(_spatial);
                for (int b = 0; b < batch; b++)
                {
                    Span<float> row = centered.AsSpan(0, _spatial);
                    TensorPrimitives.Subtract(Row(x, b, ch), (float)mean, row);
                    squares += TensorPrimitives.SumOfSquares(row);
                }

                ArrayPool<float>.Shared.Return(centered);
                variance = squares / den;
                double unbiased = squares / Math.Max(1, m - 1);
                double momentum = state.BatchNormMomentum;
                runningMean[ch] = (float)(((1 - momentum) * runningMean[ch]) + (momentum * mean));
                runningVar[ch] = (float)(((1 - momentum) * runningVar[ch]) + (momentum * unbiased));
            }
            else
            {
                mean = runningMean[ch];
                variance = runningVar[ch];
            }

            double std = Math.Sqrt(Math.Max(0, variance));
            double d0 = _darknet ? std + _epsilon : Math.Sqrt(Math.Max(0, variance) + _epsilon);
            double inverse = 1 / d0;
            _mean[ch] = (float)mean;
            _inverse[ch] = (float)inverse;
            _k[ch] = !training ? 0f : _darknet ? (std == 0 ? 0f : (float)(inverse / (den * std))) : (float)(inverse * inverse / den);
            float scale = (float)(gamma[ch] * inverse);
            float shift = (float)(beta[ch] - (mean * gamma[ch] * inverse));
            for (int b = 0; b < batch; b++)
            {
                Span<float> dst = Row(y, b, ch);
                TensorPrimitives.Multiply(Row(x, b, ch), scale, dst);
                TensorPrimitives.Add(dst, shift, dst);
            }
        });
    }

    public override void Backward(TrainingState state)
    {
        float[] x = state.Values[InputIds[0]];
        float[] gy = state.Gradients[OutputIds[0]]!;
        float[] gamma = state.Values[InputIds[1]];
        float[]? dx = InputGradient(state, InputIds[0]);
        float[]? dGamma = InputGradient(state, InputIds[1]);
        float[]? dBeta = InputGradient(state, InputIds[2]);
        int batch = state.Batch;
        long m = (long)batch * _spatial;
        bool trained = LastForwardTrained;
        Parallel.For(0, _channels, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, state.MaxThreads) }, (int ch) =>
        {
            float mean = _mean[ch];
            double sumDy = 0, sumDyXc = 0;
            float[] centered = ArrayPool<float>.Shared.Rent(_spatial);
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> dyr = Row(gy, b, ch);
                Span<float> row = centered.AsSpan(0, _spatial);
                TensorPrimitives.Subtract(Row(x, b, ch), mean, row);
                sumDy += TensorPrimitives.Sum(dyr);
                sumDyXc += TensorPrimitives.Dot(dyr, row);
            }

            ArrayPool<float>.Shared.Return(centered);

            double inverse = _inverse[ch];
            if (dBeta is not null)
            {
                dBeta[ch] += (float)sumDy;
            }

            if (dGamma is not null)
            {
                dGamma[ch] += (float)(sumDyXc * inverse);
            }

            if (dx is null)
            {
                return;
            }

            double g = gamma[ch] * inverse;
            if (!trained)
            {
                for (int b = 0; b < batch; b++)
                {
                    Span<float> target = Row(dx, b, ch);
                    TensorPrimitives.MultiplyAdd(Row(gy, b, ch), (float)g, target, target);
                }

                return;
            }

            // dx = g·dy − g·Σdy/m − g·k·Σ(dy·xc)·(x − μ) = g·dy + a·x + c with a = −g·k·S, c = −g·Σdy/m − a·μ.
            double a = -g * _k[ch] * sumDyXc;
            double c0 = (-g * sumDy / m) - (a * mean);
            for (int b = 0; b < batch; b++)
            {
                Span<float> target = Row(dx, b, ch);
                TensorPrimitives.MultiplyAdd(Row(gy, b, ch), (float)g, target, target);
                TensorPrimitives.MultiplyAdd(Row(x, b, ch), (float)a, target, target);
                TensorPrimitives.Add(target, (float)c0, target);
            }
        });
    }

    private Span<float> Row(float[] data, int b, int ch) => data.AsSpan(((b * _channels) + ch) * _spatial, _spatial);
}
