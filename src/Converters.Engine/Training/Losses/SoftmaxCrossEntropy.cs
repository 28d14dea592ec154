namespace Converters.Engine.Training.Losses;

/// <summary>
/// Softmax cross-entropy on logits, as PyTorch 1.13's <c>F.cross_entropy(logits, labels,
/// label_smoothing=ε)</c> with the default mean over the batch: per sample
/// <c>(1 − ε)·(−log p_y) + ε·(−Σ_c log p_c)/C</c>, and its gradient
/// <c>(softmax(z) − ((1 − ε)·onehot(y) + ε/C)) / N</c>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Computes the mean loss, its gradient with respect to the logits and, optionally, which samples are classified correctly.</summary>
    /// <param name="logits">N × C logits, row-major.</param>
    /// <param name="labels">N class indices in [0, C).</param>
    /// <param name="classes">C.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <param name="gradient">N × C destination for d(loss)/d(logits); may not overlap <paramref name="logits"/>.</param>
    /// <param name="correct">Empty, or N destinations set to whether the arg-max logit (first on ties) is the label.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentException">Sizes disagree, a label is out of range or ε is outside [0, 1].</exception>
    public static float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, float labelSmoothing, Span<float> gradient, Span<bool> correct)
    {
        int batch = labels.Length;
        Validate(logits, labels, classes, gradient);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Must be in [0, 1].");
        }

        if (!correct.IsEmpty && correct.Length != batch)
        {
            throw new ArgumentException($"correct has {correct.Length} elements, expected 0 or {batch}.", nameof(correct));
        }

        double total = 0;
        double inverseBatch = 1.0 / batch;
        double smoothing = labelSmoothing;
        double offTarget = smoothing / classes;
        double onTarget = 1.0 - smoothing + offTarget;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            Span<float> g = gradient.Slice(n * classes, classes);
            int label = labels[n];
            int argMax = 0;
            float max = z[0];
            double sumLogits = 0;
            for (int c = 0; c < classes; c++)
            {
                if (z[c] > max)
                {
                    max = z[c];
                    argMax = c;
                }

                sumLogits += z[c];
            }

            double sumExp = 0;
            for (int c = 0; c < classes; c++)
            {
                sumExp += Math.Exp((double)z[c] - max);
            }

            double logSumExp = max + Math.Log(sumExp);
            total += ((1.0 - smoothing) * (logSumExp - z[label])) + (smoothing * (logSumExp - (sumLogits / classes)));
            for (int c = 0; c < classes; c++)
            {
                double p = Math.Exp(z[c] - logSumExp);
                g[c] = (float)((p - (c == label ? onTarget : offTarget)) * inverseBatch);
            }

            if (!correct.IsEmpty)
            {
                correct[n] = argMax == label;
            }
        }

        return (float)(total * inverseBatch);
    }

    internal static void Validate(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        int batch = labels.Length;
        if (batch == 0)
        {
            throw new ArgumentException("The batch is empty.", nameof(labels));
        }

        if (logits.Length != (long)batch * classes)
        {
            throw new ArgumentException($"logits has {logits.Length} elements, expected {batch} × {classes}.", nameof(logits));
        }

        if (gradient.Length != logits.Length)
        {
            throw new ArgumentException($"gradient has {gradient.Length} elements, expected {logits.Length}.", nameof(gradient));
        }

        for (int n = 0; n < batch; n++)
        {
            if ((uint)labels[n] >= (uint)classes)
            {
                throw new ArgumentException($"Label {n} is {labels[n]}, expected a class index in [0, {classes}).", nameof(labels));
            }
        }
    }
}
