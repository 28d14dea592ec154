using Converters.Engine.Kernels;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Mish with Darknet's softplus (sp = x above the threshold 20, exp(x) below −20, log(1 + exp x)
/// between): f = x tanh(sp), f' = tanh(sp) + x (1 − tanh²(sp)) sp', sp' = 1, exp(x) or sigmoid(x) on
/// the three pieces — the exact derivative of the forward that runs.
/// </summary>
internal sealed class MishTrainingKernel(TrainingNodeContext context) : ElementwiseTrainingKernel(context)
{
    protected override void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        const float threshold = Activations.SoftplusThreshold;
        for (int i = 0; i < x.Length; i++)
        {
            float t = x[i];
            float sp, dsp;
            if (t > threshold)
            {
                sp = t;
                dsp = 1f;
            }
            else if (t < -threshold)
            {
                sp = MathF.Exp(t);
                dsp = sp;
            }
            else
            {
                float e = MathF.Exp(t);
                sp = MathF.Log(e + 1f);
                dsp = e / (e + 1f);
            }

            float th = MathF.Tanh(sp);
            dx[i] += dy[i] * (th + (t * (1f - (th * th)) * dsp));
        }
    }
}
