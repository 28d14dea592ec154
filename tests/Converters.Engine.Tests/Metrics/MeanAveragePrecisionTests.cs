using Converters.Engine.Data;
using Converters.Engine.Metrics;

namespace Converters.Engine.Tests.Metrics;

public class MeanAveragePrecisionTests
{
    private const double Exact = 1e-12;

    /// <summary>A prediction exactly on <paramref name="truth"/>.</summary>
    private static Detection On(BoundingBox truth, float score) => new(truth.ClassId, score, truth.X, truth.Y, truth.Width, truth.Height);

    /// <summary>A prediction of <paramref name="classId"/> far from every truth used here.</summary>
    private static Detection Stray(int classId, float score) => new(classId, score, 0.05f, 0.05f, 0.02f, 0.02f);

    [Fact]
    public void Value_PerfectDetections_IsOne()
    {
        // Given: two images, two classes, every truth found once
        var map = new MeanAveragePrecision(2);
        BoundingBox a = new(0, 0.3f, 0.3f, 0.2f, 0.2f), b = new(1, 0.7f, 0.6f, 0.3f, 0.4f), c = new(0, 0.5f, 0.5f, 0.5f, 0.5f);

        // When
        map.Add([On(a, 0.9f), On(b, 0.4f)], [a, b]);
        map.Add([On(c, 0.6f)], [c]);

        // Then
        map.PerClass.ShouldBe([1.0, 1.0]);
        map.Value.ShouldBe(1.0);
        map.TruthCounts.ShouldBe([2L, 1L]);
        map.ImageCount.ShouldBe(2);
    }

    [Fact]
    public void Value_FalsePositiveRankedFirst_IsTwoThirds()
    {
        // Given: truths A (image 1) and B (image 2); predictions ranked FP 0.9, A 0.8, B 0.7
        var map = new MeanAveragePrecision(1);
        BoundingBox a = new(0, 0.3f, 0.3f, 0.2f, 0.2f), b = new(0, 0.6f, 0.6f, 0.2f, 0.2f);

        // When
        map.Add([Stray(0, 0.9f), On(a, 0.8f)], [a]);
        map.Add([On(b, 0.7f)], [b]);

        // Then: (precision, recall) per rank: (0, 0), (1/2, 1/2), (2/3, 1); envelope 2/3 everywhere;
        // AP = (1/2 - 0) * 2/3 + (1 - 1/2) * 2/3 = 2/3
        map.PerClass[0].ShouldBe(2.0 / 3, Exact);
    }

    [Fact]
    public void Value_DuplicateDetectionOfOneTruth_CountsAsFalsePositive()
    {
        // Given: truths A and B in one image; A found twice (0.9, 0.8), B once (0.7)
        var map = new MeanAveragePrecision(1);
        BoundingBox a = new(0, 0.3f, 0.3f, 0.2f, 0.2f), b = new(0, 0.6f, 0.6f, 0.2f, 0.2f);

        // When
        map.Add([On(a, 0.9f), On(a, 0.8f) with { X = 0.31f }, On(b, 0.7f)], [a, b]);

        // Then: ranks (1, 1/2) TP, (1/2, 1/2) FP, (2/3, 1) TP; envelope 1, 2/3, 2/3;
        // AP = 1/2 * 1 + 0 * 2/3 + 1/2 * 2/3 = 5/6
        map.PerClass[0].ShouldBe(5.0 / 6, Exact);
    }

    [Fact]
    public void Value_ClassWithTruthsButNoDetections_IsZeroAndAveraged_ClassWithoutTruthsIsNaNAndSkipped()
    {
        // Given: class 0 found perfectly, class 1 has a truth and no prediction, class 2 only a false positive
        var map = new MeanAveragePrecision(3);
        BoundingBox a = new(0, 0.3f, 0.3f, 0.2f, 0.2f), b = new(1, 0.6f, 0.6f, 0.2f, 0.2f);

        // When
        map.Add([On(a, 0.9f), Stray(2, 0.8f)], [a, b]);

        // Then: mAP = (1 + 0) / 2 over the classes with truths
        map.PerClass[0].ShouldBe(1.0);
        map.PerClass[1].ShouldBe(0.0);
        double.IsNaN(map.PerClass[2]).ShouldBeTrue();
        map.Value.ShouldBe(0.5);
    }

    [Theory]
    // 0.5 x h sharing the truth's centre (0.5 x 0.5): IoU = 0.5h / 0.25 = 2h, exact in binary
    [InlineData(0.25f, 0.0)]          // IoU exactly 0.5: not above the threshold, a false positive
    [InlineData(0.25390625f, 1.0)]    // IoU 0.5078125: a match
    [InlineData(0.24609375f, 0.0)]    // IoU 0.4921875
    public void Value_IouAroundHalf_MatchesOnlyStrictlyAbove(float height, double expected)
    {
        // Given
        var map = new MeanAveragePrecision(1);
        BoundingBox truth = new(0, 0.5f, 0.5f, 0.5f, 0.5f);

        // When
        map.Add([new Detection(0, 0.9f, 0.5f, 0.5f, 0.5f, height)], [truth]);

        // Then
        map.Value.ShouldBe(expected);
    }

    [Fact]
    public void Value_CustomIouThreshold_Applies()
    {
        // Given: IoU 0.5078125 (see above) against a 0.75 threshold, and a perfect match
        var map = new MeanAveragePrecision(1, 0.75);
        BoundingBox t1 = new(0, 0.5f, 0.5f, 0.5f, 0.5f), t2 = new(0, 0.2f, 0.2f, 0.1f, 0.1f);

        // When
        map.Add([new Detection(0, 0.9f, 0.5f, 0.5f, 0.5f, 0.25390625f), On(t2, 0.8f)], [t1, t2]);

        // Then: ranks FP (0, 0), TP (1/2, 1/2): AP = 1/2 * 1/2
        map.Value.ShouldBe(0.25, Exact);
    }

    [Fact]
    public void Value_SeveralImages_RanksAcrossImages()
    {
        // Given: class 0 truths A (image 1), B and C (image 2), none in image 3
        var map = new MeanAveragePrecision(1);
        BoundingBox a = new(0, 0.3f, 0.3f, 0.2f, 0.2f), b = new(0, 0.6f, 0.6f, 0.2f, 0.2f), c = new(0, 0.2f, 0.8f, 0.2f, 0.2f);

        // When: ranked B 0.9 TP, stray 0.8 FP, A 0.6 TP, stray 0.5 FP, C 0.3 TP
        map.Add([On(a, 0.6f)], [a]);
        map.Add([On(b, 0.9f), Stray(0, 0.8f), On(c, 0.3f)], [b, c]);
        map.Add([Stray(0, 0.5f)], []);

        // Then: (precision, recall) per rank: (1, 1/3), (1/2, 1/3), (2/3, 2/3), (1/2, 2/3), (3/5, 1);
        // envelope 1, 2/3, 2/3, 3/5, 3/5; AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 = 34/45
        map.Value.ShouldBe(34.0 / 45, Exact);
    }

    [Fact]
    public void Value_BestTruthAlreadyTaken_FalsePositiveEvenIfAnotherTruthOverlaps()
    {
        // Given: overlapping truths T1 (x 0.5) and T2 (x 0.55), both 0.4 x 0.4; P1 on T1 (0.9) and P2 at
        // x 0.52 (0.8): IoU(P2, T1) = 0.152 / 0.168 = 0.905, IoU(P2, T2) = 0.148 / 0.172 = 0.860
        var map = new MeanAveragePrecision(1);
        BoundingBox t1 = new(0, 0.5f, 0.5f, 0.4f, 0.4f), t2 = new(0, 0.55f, 0.5f, 0.4f, 0.4f);

        // When
        map.Add([On(t1, 0.9f), new Detection(0, 0.8f, 0.52f, 0.5f, 0.4f, 0.4f)], [t1, t2]);

        // Then: P2's best truth is T1, already taken: a false positive (AlexeyAB / VOC devkit rule);
        // ranks (1, 1/2), (1/2, 1/2): AP = 1/2
        map.Value.ShouldBe(0.5, Exact);
    }

    [Fact]
    public void Value_PredictionOfAnotherClassOnATruth_DoesNotMatch()
    {
        // Given: a class-1 prediction exactly on a class-0 truth
        var map = new MeanAveragePrecision(2);
        BoundingBox truth = new(0, 0.5f, 0.5f, 0.2f, 0.2f);

        // When
        map.Add([On(truth, 0.9f) with { ClassId = 1 }], [truth]);

        // Then
        map.PerClass[0].ShouldBe(0.0);
        double.IsNaN(map.PerClass[1]).ShouldBeTrue();
    }

    [Fact]
    public void Value_NothingAdded_IsNaN()
    {
        // Given / When
        var map = new MeanAveragePrecision(4);

        // Then
        double.IsNaN(map.Value).ShouldBeTrue();
        map.PerClass.ShouldAllBe(ap => double.IsNaN(ap));
    }

    [Theory]
    [InlineData(0, 0.5, "classCount")]
    [InlineData(1, double.NaN, "iouThreshold")]
    [InlineData(1, 1.0, "iouThreshold")]
    [InlineData(1, -0.1, "iouThreshold")]
    public void Constructor_OutOfRange_Throws(int classCount, double iou, string parameter)
    {
        // When
        var e = Should.Throw<ArgumentOutOfRangeException>(() => new MeanAveragePrecision(classCount, iou));

        // Then
        e.ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void Add_PredictionClassOutOfRange_ThrowsNamingTheIndexAndAddsNothing()
    {
        // Given
        var map = new MeanAveragePrecision(2);
        BoundingBox truth = new(0, 0.5f, 0.5f, 0.2f, 0.2f);

        // When
        var e = Should.Throw<ArgumentException>(() => map.Add([On(truth, 0.9f), Stray(2, 0.5f)], [truth]));

        // Then
        e.ParamName.ShouldBe("predictions");
        e.Message.ShouldStartWith("predictions[1]: class 2 is not in [0, 2).");
        map.ImageCount.ShouldBe(0);
        map.TruthCounts.ShouldBe([0L, 0L]);
    }

    [Fact]
    public void Add_TruthClassNegative_Throws()
    {
        // Given
        var map = new MeanAveragePrecision(2);

        // When
        var e = Should.Throw<ArgumentException>(() => map.Add([], [new BoundingBox(-1, 0.5f, 0.5f, 0.1f, 0.1f)]));

        // Then
        e.ParamName.ShouldBe("truths");
        e.Message.ShouldStartWith("truths[0]: class -1 is not in [0, 2).");
    }

    [Fact]
    public void Add_NonFiniteScore_Throws()
    {
        // Given
        var map = new MeanAveragePrecision(1);

        // When
        var e = Should.Throw<ArgumentException>(() => map.Add([Stray(0, float.NaN)], []));

        // Then
        e.ParamName.ShouldBe("predictions");
        e.Message.ShouldStartWith("predictions[0]: scores and coordinates must be finite");
    }
}
