namespace Converters.Engine.Training.Optimizers;

/// <summary>Gradient clipping over a set of parameters, applied in place before an optimizer step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their global L2 norm is at most
    /// <paramref name="maxNorm"/>, with <c>torch.nn.utils.clip_grad_norm_</c>'s semantics: the total
    /// norm is the L2 norm of all gradient elements; the factor is
    /// <c>min(1, maxNorm / (norm + 1e-6))</c>.
    /// </summary>
    /// <returns>The total norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByGlobalNorm(IReadOnlyList<TrainableParameter> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0f) || !float.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "Must be positive and finite.");
        }

        double sum = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] g = parameters[i].Gradient;
            for (int j = 0; j < g.Length; j++)
            {
                sum += (double)g[j] * g[j];
            }
        }

        float norm = (float)Math.Sqrt(sum);
        float factor = (float)(maxNorm / ((double)norm + 1e-6));
        if (factor < 1f)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                float[] g = parameters[i].Gradient;
                for (int j = 0; j < g.Length; j++)
                {
                    g[j] *= factor;
                }
            }
        }

        return norm;
    }

    /// <summary>
    /// Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]
    /// (<c>torch.nn.utils.clip_grad_value_</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not positive and finite.</exception>
    public static void ClipByValue(IReadOnlyList<TrainableParameter> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue > 0f) || !float.IsFinite(clipValue))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "Must be positive and finite.");
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            float[] g = parameters[i].Gradient;
            for (int j = 0; j < g.Length; j++)
            {
                g[j] = Math.Clamp(g[j], -clipValue, clipValue);
            }
        }
    }
}
