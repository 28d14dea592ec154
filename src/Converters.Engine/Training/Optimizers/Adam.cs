namespace Converters.Engine.Training.Optimizers;

/// <summary>
/// Adam with PyTorch 1.13's <c>torch.optim.Adam</c> semantics (weight decay as an L2 term added to
/// the gradient) or, with <c>decoupledWeightDecay</c>, <c>torch.optim.AdamW</c>
/// (<c>p ← p·(1 − lr·wd)</c> before the moment update). Per element and step t (counted per parameter):
/// <c>m = β1·m + (1 − β1)·g</c>, <c>v = β2·v + (1 − β2)·g²</c>,
/// <c>p −= lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private static readonly string[] s_stateNames = ["exp_avg", "exp_avg_sq", "step"];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="beta1">Decay of the first moment (Caffe's <c>momentum</c>, Darknet's <c>B1</c>).</param>
    /// <param name="beta2">Decay of the second moment (Caffe's <c>momentum2</c>, Darknet's <c>B2</c>).</param>
    /// <param name="epsilon">Added to the denominator (Caffe's <c>delta</c>, Darknet's <c>eps</c>).</param>
    /// <param name="weightDecay">Weight decay coefficient.</param>
    /// <param name="decoupledWeightDecay">AdamW's decoupled decay instead of an L2 gradient term.</param>
    /// <exception cref="ArgumentOutOfRangeException">A β outside [0, 1), or ε or the decay negative or not finite.</exception>
    public Adam(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool decoupledWeightDecay = false)
        : base(weightDecay)
    {
        if (!(beta1 >= 0f && beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Must be in [0, 1).");
        }

        if (!(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must be in [0, 1).");
        }

        RequireFiniteNonNegative(epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Decay of the first moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The denominator's ε.</summary>
    public float Epsilon { get; }

    /// <summary>Whether weight decay is decoupled (AdamW) rather than an L2 gradient term (Adam).</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames => s_stateNames;

    /// <inheritdoc/>
    protected override int StateLength(string stateName, int parameterLength) => stateName == "step" ? 1 : parameterLength;

    /// <inheritdoc/>
    protected override void Update(TrainableParameter parameter, float[][] state, float learningRate, float weightDecay)
    {
        float[] p = parameter.Value;
        float[] g = parameter.Gradient;
        float[] m = state[0];
        float[] v = state[1];
        state[2][0] += 1f;
        double step = state[2][0];

        // PyTorch computes the bias corrections in Python floats (double) and rounds them when
        // they meet the float32 tensors.
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, step);
        float stepSize = (float)(learningRate / biasCorrection1);
        float correction2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float l2 = DecoupledWeightDecay ? 0f : weightDecay;
        float shrink = DecoupledWeightDecay ? 1f - (learningRate * weightDecay) : 1f;
        float beta1 = Beta1;
        float beta2 = Beta2;
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        float epsilon = Epsilon;
        for (int i = 0; i < p.Length; i++)
        {
            float value = p[i] * shrink;
            float grad = g[i] + (l2 * value);
            float mi = (beta1 * m[i]) + (oneMinusBeta1 * grad);
            float vi = (beta2 * v[i]) + (oneMinusBeta2 * (grad * grad));
            m[i] = mi;
            v[i] = vi;
            float denominator = (MathF.Sqrt(vi) / correction2Sqrt) + epsilon;
            p[i] = value - (stepSize * (mi / denominator));
        }
    }
}
