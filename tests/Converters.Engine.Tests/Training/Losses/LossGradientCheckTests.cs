using Converters.Engine.Training.Losses;

namespace Converters.Engine.Tests.Training.Losses;

/// <summary>Central finite differences of the loss values against the analytic gradients, at odd sizes.</summary>
public class LossGradientCheckTests
{
    private const float Step = 1e-2f;

    [Theory]
    [InlineData(3, 5, 0f)]
    [InlineData(1, 7, 0.2f)]
    [InlineData(5, 2, 0.05f)]
    public void SoftmaxCrossEntropy_Gradient_MatchesFiniteDifferences(int batch, int classes, float smoothing)
    {
        // Given seeded logits and labels
        float[] logits = Tolerance.Random(batch * classes, 31 + batch, 2f);
        int[] labels = [.. Enumerable.Range(0, batch).Select(n => (n * 3) % classes)];
        float[] gradient = new float[logits.Length];
        float[] scratch = new float[logits.Length];
        SoftmaxCrossEntropy.Compute(logits, labels, classes, smoothing, gradient, []);

        // When each logit is nudged both ways
        float[] numeric = FiniteDifferences(logits, x => SoftmaxCrossEntropy.Compute(x, labels, classes, smoothing, scratch, []));

        // Then
        Tolerance.ShouldMatch(gradient, numeric, 2e-3, "cross-entropy");
    }

    [Theory]
    [InlineData(3, 5, 0.5f, 4f)]
    [InlineData(2, 9, 0f, 2f)]
    [InlineData(1, 3, 0.9f, 1f)]
    public void Distillation_Gradient_MatchesFiniteDifferences(int batch, int classes, float alpha, float temperature)
    {
        float[] student = Tolerance.Random(batch * classes, 41 + batch, 2f);
        float[] teacher = Tolerance.Random(batch * classes, 42 + batch, 3f);
        int[] labels = [.. Enumerable.Range(0, batch).Select(n => (n + 1) % classes)];
        float[] gradient = new float[student.Length];
        float[] scratch = new float[student.Length];
        DistillationLoss.Compute(student, teacher, labels, classes, alpha, temperature, gradient);

        float[] numeric = FiniteDifferences(student, x => DistillationLoss.Compute(x, teacher, labels, classes, alpha, temperature, scratch).Total);

        Tolerance.ShouldMatch(gradient, numeric, 2e-3, "distillation");
    }

    private static float[] FiniteDifferences(float[] x, Func<float[], float> loss)
    {
        float[] numeric = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float original = x[i];
            x[i] = original + Step;
            double up = loss(x);
            x[i] = original - Step;
            double down = loss(x);
            x[i] = original;
            numeric[i] = (float)((up - down) / (2 * Step));
        }

        return numeric;
    }
}
