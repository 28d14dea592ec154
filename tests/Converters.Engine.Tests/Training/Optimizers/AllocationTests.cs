using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Engine.Training.Losses;
using Converters.Engine.Training.Optimizers;

namespace Converters.Engine.Tests.Training.Optimizers;

/// <summary>The per-step paths allocate nothing once warmed up (optimizer state exists, code is jitted).</summary>
public class AllocationTests
{
    [Fact]
    public void PerStepPaths_AfterWarmUp_AllocateNothing()
    {
        // Given parameters with a mask, optimizers with state, and loss inputs
        TrainableParameter[] parameters = [new("w", ParameterKind.Weight, Tolerance.Random(64, 1)) { Mask = [.. Enumerable.Repeat(1f, 64)] }, new("b", ParameterKind.Bias, Tolerance.Random(8, 2))];
        Optimizer[] optimizers = [new Sgd(0.9f, 1e-4f, nesterov: true), new Adam(weightDecay: 0.01f, decoupledWeightDecay: true)];
        float[] logits = Tolerance.Random(4 * 5, 3, 3f);
        float[] teacher = Tolerance.Random(4 * 5, 4, 3f);
        int[] labels = [0, 1, 2, 3];
        float[] gradient = new float[logits.Length];
        bool[] correct = new bool[4];
        var yolo = new YoloLoss([1f, 2f, 3f, 3f], [0, 1], 2);
        float[] head = Tolerance.Random(yolo.Channels * 3 * 3, 5);
        float[] headGradient = new float[head.Length];
        IReadOnlyList<IReadOnlyList<BoundingBox>> truths = [[new BoundingBox(1, 0.5f, 0.5f, 0.2f, 0.3f)]];
        void Run()
        {
            foreach (Optimizer optimizer in optimizers)
            {
                GradientClipping.ClipByGlobalNorm(parameters, 1f);
                optimizer.Step(parameters, 0.01f);
            }

            SoftmaxCrossEntropy.Compute(logits, labels, 5, 0.1f, gradient, correct);
            DistillationLoss.Compute(logits, teacher, labels, 5, 0.5f, 4f, gradient);
            BatchNormScaleSparsity.Apply(parameters, 1e-4f);
            yolo.Compute(head, 1, 3, 3, 6, 6, truths, headGradient);
        }

        Run();

        // When measured on a second run
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then
        allocated.ShouldBe(0L);
    }
}
