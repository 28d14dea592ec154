using Converters.Engine.Metrics;

namespace Converters.Engine.Tests.Metrics;

public class TopKAccuracyTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 1.0)]
    [InlineData(4, 1.0)]
    public void Add_LabelRankedSecond_CorrectFromTop2(int k, double expected)
    {
        // Given: class 1 has the second-best score (0.9 > 0.5 > 0.2 > 0.1)
        var accuracy = new TopKAccuracy(k);

        // When
        accuracy.Add([0.1f, 0.5f, 0.2f, 0.9f], 1);

        // Then
        accuracy.Count.ShouldBe(1);
        accuracy.Value.ShouldBe(expected);
    }

    [Fact]
    public void Add_SeveralSamples_ValueIsCorrectOverCount()
    {
        // Given: labels at rank 1, 3, 2 and 1 of their samples
        var top1 = new TopKAccuracy(1);
        var top2 = new TopKAccuracy(2);
        float[][] scores = [[3f, 1f, 2f], [1f, 2f, 3f], [0.2f, 0.7f, 0.1f], [-1f, -3f, -2f]];
        int[] labels = [0, 0, 0, 0];

        // When
        for (int i = 0; i < scores.Length; i++)
        {
            top1.Add(scores[i], labels[i]);
            top2.Add(scores[i], labels[i]);
        }

        // Then: top-1 counts ranks 1 (2 of 4), top-2 ranks 1 and 2 (3 of 4)
        top1.Correct.ShouldBe(2);
        top1.Value.ShouldBe(0.5);
        top2.Correct.ShouldBe(3);
        top2.Value.ShouldBe(0.75);
    }

    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(1, 1, false)]
    [InlineData(0, 2, true)]
    [InlineData(1, 2, true)]
    [InlineData(2, 3, false)]
    public void Add_TiedScores_TiesRankAheadOfTheLabel(int label, int k, bool expected)
    {
        // Given: classes 0 and 1 tie for the best score; class 2 ties with 3 for the worst
        var accuracy = new TopKAccuracy(k);
        float[] scores = [0.3f, 0.3f, 0.1f, 0.1f];

        // When
        accuracy.Add(scores, label);

        // Then: pessimistic: label 0 or 1 has one class at least as good, so it is top-2, not top-1;
        // label 2 has three (0.3, 0.3 and the tied 0.1), so it is top-4, not top-3
        accuracy.Correct.ShouldBe(expected ? 1 : 0);
    }

    [Fact]
    public void Add_KAboveClassCount_EveryFiniteLabelIsCorrect()
    {
        // Given: 3 classes and k = 5, the label with the worst score
        var accuracy = new TopKAccuracy(5);

        // When
        accuracy.Add([0.7f, 0.2f, 0.1f], 2);

        // Then
        accuracy.Value.ShouldBe(1.0);
    }

    [Fact]
    public void Add_NaNScores_NaNLabelIsWrongAndNaNRanksAhead()
    {
        // Given
        var top1 = new TopKAccuracy(1);
        var top2 = new TopKAccuracy(2);

        // When: a NaN label score; then a NaN competitor of the best finite score
        top1.Add([float.NaN, 0.5f], 0);
        top2.Add([float.NaN, 0.5f], 0);
        top1.Add([0.9f, float.NaN, 0.1f], 0);
        top2.Add([0.9f, float.NaN, 0.1f], 0);

        // Then: the NaN label is wrong even at k = 2; the NaN competitor pushes 0.9 to rank 2
        top1.Correct.ShouldBe(0);
        top2.Correct.ShouldBe(1);
    }

    [Fact]
    public void Value_NoSamples_IsNaN()
    {
        // Given / When
        var accuracy = new TopKAccuracy(1);

        // Then
        accuracy.Count.ShouldBe(0);
        double.IsNaN(accuracy.Value).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_KBelowOne_Throws(int k)
    {
        // When
        var e = Should.Throw<ArgumentOutOfRangeException>(() => new TopKAccuracy(k));

        // Then
        e.ParamName.ShouldBe("k");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Add_LabelOutOfRange_ThrowsAndCountsNothing(int label)
    {
        // Given
        var accuracy = new TopKAccuracy(1);

        // When
        var e = Should.Throw<ArgumentOutOfRangeException>(() => accuracy.Add([0.1f, 0.2f, 0.3f], label));

        // Then
        e.ParamName.ShouldBe("label");
        e.Message.ShouldContain("[0, 3)");
        accuracy.Count.ShouldBe(0);
    }

    [Fact]
    public void Add_NoScores_Throws()
    {
        // Given
        var accuracy = new TopKAccuracy(1);

        // When
        var e = Should.Throw<ArgumentException>(() => accuracy.Add([], 0));

        // Then
        e.ParamName.ShouldBe("scores");
    }
}
