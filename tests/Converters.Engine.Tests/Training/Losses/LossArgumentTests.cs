using Converters.Engine.Data;
using Converters.Engine.Training.Losses;
using Converters.Ir;

namespace Converters.Engine.Tests.Training.Losses;

public class LossArgumentTests
{
    [Fact]
    public void CrossEntropy_LabelOutOfRange_ThrowsNamingSample()
    {
        float[] logits = new float[6];
        Should.Throw<ArgumentException>(() => SoftmaxCrossEntropy.Compute(logits, [1, 3], 3, 0f, new float[6], []))
            .Message.ShouldContain("Label 1 is 3");
    }

    [Fact]
    public void CrossEntropy_SizeMismatch_Throws()
    {
        Should.Throw<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[5], [0, 1], 3, 0f, new float[5], [])).Message.ShouldContain("expected 2 × 3");
        Should.Throw<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[6], [0, 1], 3, 0f, new float[4], [])).Message.ShouldContain("gradient");
        Should.Throw<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Compute(new float[6], [0, 1], 3, 1.5f, new float[6], []));
    }

    [Fact]
    public void CrossEntropy_UniformLogits_LossIsLogClasses()
    {
        // log(4) = 1.3862944
        float[] gradient = new float[8];
        SoftmaxCrossEntropy.Compute(new float[8], [0, 3], 4, 0f, gradient, []).ShouldBe(1.3862944f, 1e-6f);
        gradient[0].ShouldBe((0.25f - 1f) / 2f, 1e-7f);
        gradient[1].ShouldBe(0.25f / 2f, 1e-7f);
    }

    [Fact]
    public void Distillation_BadTemperatureOrAlpha_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(new float[3], new float[3], [0], 3, 0.5f, 0f, new float[3]));
        Should.Throw<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(new float[3], new float[3], [0], 3, 1.5f, 2f, new float[3]));
        Should.Throw<ArgumentException>(() => DistillationLoss.Compute(new float[3], new float[6], [0], 3, 0.5f, 2f, new float[3])).Message.ShouldContain("teacher");
    }

    [Fact]
    public void Yolo_BadConfigurationOrTruth_Throws()
    {
        Should.Throw<ArgumentException>(() => new YoloLoss([10f, 13f, 16f], [0], 2));
        Should.Throw<ArgumentException>(() => new YoloLoss([10f, 13f], [1], 2)).Message.ShouldContain("[0, 1)");
        var loss = new YoloLoss([10f, 13f, 16f, 30f], [0, 1], 2);
        int size = loss.Channels * 4 * 4;
        Should.Throw<ArgumentException>(() => loss.Compute(new float[size], 1, 4, 4, 32, 32, [[new BoundingBox(2, 0.5f, 0.5f, 0.1f, 0.1f)]], new float[size]))
            .Message.ShouldContain("Image 0, truth 0");
        Should.Throw<ArgumentException>(() => loss.Compute(new float[size - 1], 1, 4, 4, 32, 32, [[]], new float[size - 1])).Message.ShouldContain("expected 1 × 14 × 4 × 4");
        Should.Throw<ArgumentException>(() => loss.Compute(new float[size], 1, 4, 4, 32, 32, [[], []], new float[size])).Message.ShouldContain("2 truth lists");
    }

    [Fact]
    public void YoloForNode_YoloHeadAttributes_AreTaken()
    {
        Node node = new Node("Yolo", "yolo_82", ["x"], ["y"])
            .With("classes", 80L)
            .With("anchors", AttributeValue.FromFloats([10.0, 13, 16, 30, 33, 23]))
            .With("mask", AttributeValue.FromInts(1, 2));
        YoloLoss loss = YoloLoss.ForNode(node, 0.7f);
        (loss.Classes, loss.Channels, loss.IgnoreThreshold).ShouldBe((80, 170, 0.7f));
        loss.Mask.ShouldBe([1, 2]);
        loss.Anchors.ShouldBe([10f, 13f, 16f, 30f, 33f, 23f]);
        Should.Throw<ArgumentException>(() => YoloLoss.ForNode(node.With("scale_x_y", 1.05))).Message.ShouldContain("yolo_82");
        Should.Throw<ArgumentException>(() => YoloLoss.ForNode(new Node("Conv", "c", ["x"], ["y"]))).Message.ShouldContain("expected a Yolo head");
    }

    [Fact]
    public void Yolo_NoTruths_OnlyNoObjectGradientAndNaNAverages()
    {
        // Given an output with every objectness at 0.25 and no truths
        var loss = new YoloLoss([10f, 13f], [0], 1);
        float[] output = new float[loss.Channels * 2 * 2];
        for (int k = 4 * 4; k < 5 * 4; k++)
        {
            output[k] = 0.25f;
        }

        float[] gradient = new float[output.Length];

        // When
        YoloLossStatistics stats = loss.Compute(output, 1, 2, 2, 32, 32, [[]], gradient);

        // Then the objectness gradient is output − 0 and the cost 4 · 0.25²
        gradient.Skip(16).Take(4).ShouldAllBe(g => g == 0.25f);
        gradient.Take(16).ShouldAllBe(g => g == 0f);
        stats.Cost.ShouldBe(0.25f);
        stats.Count.ShouldBe(0);
        float.IsNaN(stats.AverageIou).ShouldBeTrue();
        stats.AverageNoObjectness.ShouldBe(0.25f);
    }
}
