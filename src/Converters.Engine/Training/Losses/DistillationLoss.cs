namespace Converters.Engine.Training.Losses;

/// <summary>
/// Hinton's knowledge distillation on logits:
/// <c>α·CE(student, labels) + (1 − α)·T²·KL(softmax(teacher/T) ‖ softmax(student/T))</c>, the KL
/// term being PyTorch's <c>F.kl_div(F.log_softmax(s/T), F.softmax(t/T), reduction='batchmean')</c>.
/// The gradient with respect to the student logits is
/// <c>α·(softmax(s) − onehot)/N + (1 − α)·T·(softmax(s/T) − softmax(t/T))/N</c>.
/// </summary>
public static class DistillationLoss
{
    /// <summary>Computes the loss and its gradient with respect to the student's logits.</summary>
    /// <param name="student">N × C student logits.</param>
    /// <param name="teacher">N × C teacher logits (constants: no gradient flows to the teacher).</param>
    /// <param name="labels">N class indices.</param>
    /// <param name="classes">C.</param>
    /// <param name="alpha">Weight of the hard-label cross-entropy, in [0, 1].</param>
    /// <param name="temperature">T &gt; 0.</param>
    /// <param name="gradient">N × C destination for d(loss)/d(student).</param>
    /// <exception cref="ArgumentException">Sizes disagree, a label is out of range, α is outside [0, 1] or T is not positive.</exception>
    public static DistillationLossValue Compute(ReadOnlySpan<float> student, ReadOnlySpan<float> teacher, ReadOnlySpan<int> labels, int classes, float alpha, float temperature, Span<float> gradient)
    {
        SoftmaxCrossEntropy.Validate(student, labels, classes, gradient);
        if (teacher.Length != student.Length)
        {
            throw new ArgumentException($"teacher has {teacher.Length} elements, expected {student.Length}.", nameof(teacher));
        }

        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Must be in [0, 1].");
        }

        if (!(temperature > 0f) || !float.IsFinite(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Must be positive and finite.");
        }

        float crossEntropy = SoftmaxCrossEntropy.Compute(student, labels, classes, 0f, gradient, []);
        int batch = labels.Length;
        double t = temperature;
        double inverseBatch = 1.0 / batch;
        double softScale = (1.0 - alpha) * t * inverseBatch;
        double divergence = 0;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> s = student.Slice(n * classes, classes);
            ReadOnlySpan<float> z = teacher.Slice(n * classes, classes);
            Span<float> g = gradient.Slice(n * classes, classes);
            double studentLse = LogSumExp(s, t);
            double teacherLse = LogSumExp(z, t);
            for (int c = 0; c < classes; c++)
            {
                double logP = (s[c] / t) - studentLse;
                double logQ = (z[c] / t) - teacherLse;
                double q = Math.Exp(logQ);
                if (q > 0)
                {
                    divergence += q * (logQ - logP);
                }

                g[c] = (float)((alpha * g[c]) + (softScale * (Math.Exp(logP) - q)));
            }
        }

        divergence *= inverseBatch;
        double total = (alpha * (double)crossEntropy) + ((1.0 - alpha) * t * t * divergence);
        return new DistillationLossValue((float)total, crossEntropy, (float)divergence);
    }

    private static double LogSumExp(ReadOnlySpan<float> logits, double temperature)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < logits.Length; c++)
        {
            max = Math.Max(max, logits[c] / temperature);
        }

        double sum = 0;
        for (int c = 0; c < logits.Length; c++)
        {
            sum += Math.Exp((logits[c] / temperature) - max);
        }

        return max + Math.Log(sum);
    }
}
