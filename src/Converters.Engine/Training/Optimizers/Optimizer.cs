namespace Converters.Engine.Training.Optimizers;

/// <summary>
/// Updates <see cref="TrainableParameter.Value"/> from <see cref="TrainableParameter.Gradient"/> once
/// per <see cref="Step"/>, keeping per-parameter state (momentum buffers, moment estimates) keyed by
/// the parameter object. The learning rate of a parameter is the step's rate times its
/// <see cref="TrainableParameter.LearningRateMultiplier"/>; its weight decay is
/// <see cref="WeightDecay"/> times its <see cref="TrainableParameter.DecayMultiplier"/>.
/// </summary>
/// <remarks>
/// Pruned elements (mask 0) are treated as having a zero gradient (their gradient is set to 0 in
/// place) and their value is set to exactly 0 after the update. A parameter whose learning rate
/// multiplier is 0 is frozen: neither its value nor its state changes. Steps allocate nothing once
/// every parameter has its state; updates are element-wise in a fixed order, so results are
/// deterministic.
/// </remarks>
public abstract class Optimizer
{
    private readonly Dictionary<TrainableParameter, float[][]> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an optimizer with L2 weight decay <paramref name="weightDecay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not finite.</exception>
    protected Optimizer(float weightDecay)
    {
        RequireFiniteNonNegative(weightDecay);
        WeightDecay = weightDecay;
    }

    /// <summary>The weight decay coefficient before each parameter's <see cref="TrainableParameter.DecayMultiplier"/>.</summary>
    public float WeightDecay { get; }

    /// <summary>The names of the per-parameter state buffers, e.g. <c>momentum_buffer</c>; the export key is <c>parameter.Name + "." + name</c>.</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>Applies one update to every parameter with the learning rate <paramref name="learningRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A parameter's mask length differs from its value length.</exception>
    public void Step(IReadOnlyList<TrainableParameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireFiniteNonNegative(learningRate);
        for (int i = 0; i < parameters.Count; i++)
        {
            TrainableParameter parameter = parameters[i];
            if (parameter.LearningRateMultiplier == 0f)
            {
                continue;
            }

            float[]? mask = parameter.Mask;
            if (mask is not null)
            {
                if (mask.Length != parameter.Value.Length)
                {
                    throw new ArgumentException($"Parameter '{parameter.Name}': mask has {mask.Length} elements, value has {parameter.Value.Length}.", nameof(parameters));
                }

                ZeroWhereMasked(parameter.Gradient, mask);
            }

            if (!_state.TryGetValue(parameter, out float[][]? state))
            {
                state = CreateState(parameter.Value.Length);
                _state.Add(parameter, state);
            }

            Update(parameter, state, learningRate * parameter.LearningRateMultiplier, WeightDecay * parameter.DecayMultiplier);
            if (mask is not null)
            {
                ZeroWhereMasked(parameter.Value, mask);
            }
        }
    }

    /// <summary>Forgets all per-parameter state, as if no step had been taken.</summary>
    public void Reset() => _state.Clear();

    /// <summary>
    /// Copies the state for a checkpoint: one entry per parameter and state buffer, keyed
    /// <c>parameter.Name + "." + buffer</c> (e.g. <c>conv1.weight.exp_avg</c>).
    /// </summary>
    public IReadOnlyDictionary<string, float[]> ExportState()
    {
        IReadOnlyList<string> names = StateNames;
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((TrainableParameter parameter, float[][] state) in _state)
        {
            for (int k = 0; k < names.Count; k++)
            {
                result.Add(parameter.Name + "." + names[k], (float[])state[k].Clone());
            }
        }

        return result;
    }

    /// <summary>
    /// Replaces the state with <paramref name="state"/> (as written by <see cref="ExportState"/>) for
    /// the parameters in <paramref name="parameters"/>, matched by name. A parameter with no entries
    /// starts fresh; entries that match no parameter or have the wrong length are errors.
    /// </summary>
    /// <exception cref="ArgumentException">An entry names no parameter or buffer, has the wrong length, or a parameter's buffers are incomplete.</exception>
    public void ImportState(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<TrainableParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<string> names = StateNames;
        var byName = new Dictionary<string, TrainableParameter>(StringComparer.Ordinal);
        foreach (TrainableParameter parameter in parameters)
        {
            byName[parameter.Name] = parameter;
        }

        var imported = new Dictionary<TrainableParameter, float[][]>(ReferenceEqualityComparer.Instance);
        foreach ((string key, float[] values) in state)
        {
            int dot = -1;
            int bufferIndex = -1;
            for (int k = 0; k < names.Count && bufferIndex < 0; k++)
            {
                if (key.EndsWith("." + names[k], StringComparison.Ordinal))
                {
                    bufferIndex = k;
                    dot = key.Length - names[k].Length - 1;
                }
            }

            if (bufferIndex < 0 || !byName.TryGetValue(key[..dot], out TrainableParameter? parameter))
            {
                throw new ArgumentException($"Optimizer state entry '{key}' names no parameter buffer; expected '<parameter>.{{{string.Join(", ", names)}}}'.", nameof(state));
            }

            int expected = StateLength(names[bufferIndex], parameter.Value.Length);
            if (values.Length != expected)
            {
                throw new ArgumentException($"Optimizer state entry '{key}' has {values.Length} values, expected {expected}.", nameof(state));
            }

            if (!imported.TryGetValue(parameter, out float[][]? buffers))
            {
                buffers = new float[names.Count][];
                imported.Add(parameter, buffers);
            }

            buffers[bufferIndex] = (float[])values.Clone();
        }

        foreach ((TrainableParameter parameter, float[][] buffers) in imported)
        {
            for (int k = 0; k < buffers.Length; k++)
            {
                if (buffers[k] is null)
                {
                    throw new ArgumentException($"Optimizer state for '{parameter.Name}' lacks '{parameter.Name}.{names[k]}'.", nameof(state));
                }
            }
        }

        _state.Clear();
        foreach ((TrainableParameter parameter, float[][] buffers) in imported)
        {
            _state.Add(parameter, buffers);
        }
    }

    /// <summary>Allocates the state of a parameter with <paramref name="length"/> elements, in <see cref="StateNames"/> order.</summary>
    protected float[][] CreateState(int length)
    {
        IReadOnlyList<string> names = StateNames;
        var state = new float[names.Count][];
        for (int k = 0; k < names.Count; k++)
        {
            state[k] = new float[StateLength(names[k], length)];
        }

        return state;
    }

    /// <summary>The length of the buffer <paramref name="stateName"/> for a parameter of <paramref name="parameterLength"/> elements (default: the same).</summary>
    protected virtual int StateLength(string stateName, int parameterLength) => parameterLength;

    /// <summary>Updates one parameter in place.</summary>
    /// <param name="parameter">The parameter; its masked gradient elements are already 0.</param>
    /// <param name="state">Its state buffers in <see cref="StateNames"/> order.</param>
    /// <param name="learningRate">The learning rate including the parameter's multiplier.</param>
    /// <param name="weightDecay">The weight decay including the parameter's multiplier.</param>
    protected abstract void Update(TrainableParameter parameter, float[][] state, float learningRate, float weightDecay);

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    protected static void RequireFiniteNonNegative(float value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and not negative.");
        }
    }

    private static void ZeroWhereMasked(float[] values, float[] mask)
    {
        for (int j = 0; j < values.Length; j++)
        {
            if (mask[j] == 0f)
            {
                values[j] = 0f;
            }
        }
    }
}
