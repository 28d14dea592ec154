using Converters.Engine.Metrics;

namespace Converters.Engine.Tests.Metrics;

public class NonMaxSuppressionTests
{
    // 0.4 x 0.4 boxes of class 0 in a row 0.1 apart: neighbours overlap 0.3 x 0.4 = 0.12 of a union
    // 0.32 - 0.12 = 0.2 (IoU 0.6); A and C, 0.2 apart, overlap 0.08 of 0.24 (IoU 1/3).
    private static readonly Detection s_a = new(0, 0.9f, 0.3f, 0.5f, 0.4f, 0.4f);
    private static readonly Detection s_b = new(0, 0.8f, 0.4f, 0.5f, 0.4f, 0.4f);
    private static readonly Detection s_c = new(0, 0.7f, 0.5f, 0.5f, 0.4f, 0.4f);

    [Fact]
    public void Apply_Chain_SuppressedBoxDoesNotSuppress()
    {
        // Given: A > B > C by score; IoU(A, B) = IoU(B, C) = 0.6, IoU(A, C) = 1/3; listed out of order
        List<Detection> detections = [s_c, s_b, s_a];

        // When
        NonMaxSuppression.Apply(detections, 0.45f);

        // Then: A suppresses B; B, suppressed, no longer suppresses C; survivors keep the list order
        detections.ShouldBe([s_c, s_a]);
    }

    [Fact]
    public void Apply_OtherClassOnTheSameBox_IsKept()
    {
        // Given: D is A's box as class 1 with a higher score
        var d = s_a with { ClassId = 1, Score = 0.95f };
        List<Detection> detections = [s_b, d, s_a];

        // When
        NonMaxSuppression.Apply(detections, 0.45f);

        // Then: D does not suppress A or B (another class); A suppresses B
        detections.ShouldBe([d, s_a]);
    }

    [Fact]
    public void Apply_IouEqualToThreshold_NotSuppressed()
    {
        // Given: two boxes with IoU exactly 0.5 (0.125 / 0.25 in binary)
        var big = new Detection(0, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f);
        var flat = new Detection(0, 0.6f, 0.5f, 0.5f, 0.5f, 0.25f);
        List<Detection> atThreshold = [big, flat];
        List<Detection> belowThreshold = [big, flat];

        // When
        NonMaxSuppression.Apply(atThreshold, 0.5f);
        NonMaxSuppression.Apply(belowThreshold, 0.49f);

        // Then: only IoU strictly above the threshold suppresses
        atThreshold.ShouldBe([big, flat]);
        belowThreshold.ShouldBe([big]);
    }

    [Fact]
    public void Apply_EqualScores_EarlierInTheListWins()
    {
        // Given: two heavily overlapping boxes with one score
        var first = new Detection(0, 0.5f, 0.5f, 0.5f, 0.4f, 0.4f);
        var second = first with { X = 0.51f };
        List<Detection> detections = [first, second];
        List<Detection> reversed = [second, first];

        // When
        NonMaxSuppression.Apply(detections, 0.45f);
        NonMaxSuppression.Apply(reversed, 0.45f);

        // Then
        detections.ShouldBe([first]);
        reversed.ShouldBe([second]);
    }

    [Fact]
    public void Apply_EmptyOrSingle_Unchanged()
    {
        // Given
        List<Detection> empty = [];
        List<Detection> single = [s_a];

        // When
        NonMaxSuppression.Apply(empty, 0.45f);
        NonMaxSuppression.Apply(single, 0.45f);

        // Then
        empty.ShouldBeEmpty();
        single.ShouldBe([s_a]);
    }

    [Fact]
    public void Apply_BadArguments_Throw()
    {
        // When / Then
        Should.Throw<ArgumentNullException>(() => NonMaxSuppression.Apply(null!, 0.45f)).ParamName.ShouldBe("detections");
        Should.Throw<ArgumentOutOfRangeException>(() => NonMaxSuppression.Apply([s_a, s_b], float.NaN)).ParamName.ShouldBe("iouThreshold");
    }
}
