namespace Converters.Engine.Training.Optimizers;

/// <summary>
/// Stochastic gradient descent with PyTorch 1.13's <c>torch.optim.SGD</c> semantics, per element:
/// <c>d = g + wd·p</c>; with momentum, <c>buf = momentum·buf + (1 − dampening)·d</c> (on the first
/// step <c>buf = d</c>) and <c>d = buf</c>, or with Nesterov <c>d = d + momentum·buf</c>; then
/// <c>p −= lr·d</c>.
/// </summary>
/// <remarks>
/// With a constant learning rate this is also Caffe's SGD (<c>v = m·v + lr·d; p −= v</c>) and
/// Darknet's update; they differ from it only in when a changed learning rate takes effect.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private static readonly string[] s_withMomentum = ["momentum_buffer", "step"];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="momentum">Momentum factor, 0 for plain SGD.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="dampening">Dampening of the momentum's gradient term.</param>
    /// <param name="nesterov">Nesterov momentum (requires momentum &gt; 0 and dampening 0, as in PyTorch).</param>
    /// <exception cref="ArgumentOutOfRangeException">A coefficient is negative or not finite.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening.</exception>
    public Sgd(float momentum = 0f, float weightDecay = 0f, float dampening = 0f, bool nesterov = false)
        : base(weightDecay)
    {
        RequireFiniteNonNegative(momentum);
        RequireFiniteNonNegative(dampening);
        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening.", nameof(nesterov));
        }

        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <summary>The momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>The dampening of the momentum's gradient term.</summary>
    public float Dampening { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames => Momentum == 0f ? [] : s_withMomentum;

    /// <inheritdoc/>
    protected override int StateLength(string stateName, int parameterLength) => stateName == "step" ? 1 : parameterLength;

    /// <inheritdoc/>
    protected override void Update(TrainableParameter parameter, float[][] state, float learningRate, float weightDecay)
    {
        float[] p = parameter.Value;
        float[] g = parameter.Gradient;
        if (Momentum == 0f)
        {
            for (int i = 0; i < p.Length; i++)
            {
                float d = g[i] + (weightDecay * p[i]);
                p[i] -= learningRate * d;
            }

            return;
        }

        float[] buffer = state[0];
        bool first = state[1][0] == 0f;
        state[1][0] += 1f;
        float momentum = Momentum;
        float keep = 1f - Dampening;
        for (int i = 0; i < p.Length; i++)
        {
            float d = g[i] + (weightDecay * p[i]);
            float b = first ? d : (momentum * buffer[i]) + (keep * d);
            buffer[i] = b;
            d = Nesterov ? d + (momentum * b) : b;
            p[i] -= learningRate * d;
        }
    }
}
