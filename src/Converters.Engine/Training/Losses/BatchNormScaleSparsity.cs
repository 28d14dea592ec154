namespace Converters.Engine.Training.Losses;

/// <summary>
/// Network slimming's sparsity penalty <c>λ·Σ|γ|</c> on batch-normalization scales: adds the
/// subgradient <c>λ·sign(γ)</c> (0 at γ = 0) to the gradients of every weight whose owner is a
/// <c>BatchNormalization</c> or <c>Scale</c> node, after the backward pass and before the step.
/// </summary>
public static class BatchNormScaleSparsity
{
    /// <summary>Whether <paramref name="parameter"/> is a BN/Scale γ the penalty applies to.</summary>
    public static bool Targets(TrainableParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Kind == ParameterKind.Weight
            && (parameter.OwnerOpType == "BatchNormalization" || parameter.OwnerOpType == "Scale");
    }

    /// <summary>Adds <c>λ·sign(γ)</c> to every targeted gradient and returns the penalty <c>λ·Σ|γ|</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is negative or not finite.</exception>
    public static float Apply(IReadOnlyList<TrainableParameter> parameters, float lambda)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!float.IsFinite(lambda) || lambda < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Must be finite and not negative.");
        }

        double sum = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            TrainableParameter p = parameters[i];
            if (!Targets(p))
            {
                continue;
            }

            float[] gamma = p.Value;
            float[] gradient = p.Gradient;
            for (int j = 0; j < gamma.Length; j++)
            {
                sum += Math.Abs(gamma[j]);
                gradient[j] += lambda * MathF.Sign(gamma[j]);
            }
        }

        return (float)(lambda * sum);
    }
}
