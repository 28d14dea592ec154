using Converters.Engine.Training;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Dropout: identity in evaluation mode, a seeded inverted-dropout mask in training mode.</summary>
[Trait("Category", "Kernel")]
public class DropoutTrainingKernelTests
{
    private static readonly int[] Shape = [5, 3, 7, 5];

    [Fact]
    public void Backward_EvaluationMode_IsIdentity()
    {
        // Given dropout 0.3 in evaluation mode
        Model model = OneNode("Dropout", [new Arg("x", Shape)], [("ratio", 0.3)]);

        // When / Then the op and its gradient are the identity
        GradientCheck.Run(model, a => a[0], new Options { Training = false });
    }

    [Fact]
    public void Forward_TrainingMode_DropsWithRatioAndScalesSurvivors()
    {
        // Given dropout 0.3 in training mode on 525 distinct nonzero values
        TrainingSession session = Session(0.3, seed: 7);
        float[] x = Grid(525, 3);
        x.CopyTo(session.Input("x"));

        // When one forward and a backward of ones run
        session.Forward();
        float[] y = session.Value("y0").ToArray();
        session.Backward(new Dictionary<string, float[]> { ["y0"] = [.. Enumerable.Repeat(1f, 525)] });
        float[] dx = session.Gradient("x").ToArray();

        // Then every element is dropped (0) or scaled by 1/0.7, the gradient is the same mask, and the
        // dropped fraction is within 4 standard deviations of 0.3 (sd = sqrt(0.3 * 0.7 / 525) = 0.02)
        int dropped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float mask = y[i] / x[i];
            if (y[i] == 0)
            {
                dropped++;
                dx[i].ShouldBe(0f);
            }
            else
            {
                mask.ShouldBe(1f / 0.7f, 1e-5f);
                dx[i].ShouldBe(1f / 0.7f, 1e-6f);
            }
        }

        ((double)dropped / x.Length).ShouldBe(0.3, 0.08);
    }

    [Fact]
    public void Forward_TrainingMode_SeededPerSessionAndStep()
    {
        // Given two sessions with the same seed and one with another seed
        float[][] masks = [.. new[] { 7UL, 7UL, 8UL }.Select(seed =>
        {
            TrainingSession session = Session(0.5, seed);
            Enumerable.Repeat(1f, 525).ToArray().CopyTo(session.Input("x"));
            session.Forward();
            float[] first = session.Value("y0").ToArray();
            session.Forward();
            return (float[])[.. first, .. session.Value("y0").ToArray()];
        })];

        // Then the same seed repeats the masks, and another seed or the next step changes them
        masks[0].ShouldBe(masks[1]);
        masks[0].ShouldNotBe(masks[2]);
        masks[0][..525].ShouldNotBe(masks[0][525..]);
    }

    [Fact]
    public void Create_RatioOne_ThrowsNamingTheAttribute()
    {
        // Given dropout with ratio 1 (every element dropped: no finite scale)
        Model model = OneNode("Dropout", [new Arg("x", Shape)], [("ratio", 1.0)]);

        // When / Then building a session fails naming the node and the attribute
        IrValidationException e = Should.Throw<IrValidationException>(() => new TrainingSession(model));
        e.NodeName.ShouldBe("n");
        e.Message.ShouldContain("'ratio'");
    }

    private static TrainingSession Session(double ratio, ulong seed) =>
        new(OneNode("Dropout", [new Arg("x", Shape)], [("ratio", ratio)]), new TrainingSessionOptions { InputGradients = true, Seed = seed });
}
