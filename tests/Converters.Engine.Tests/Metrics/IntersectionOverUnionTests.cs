using Converters.Engine.Data;
using Converters.Engine.Metrics;

namespace Converters.Engine.Tests.Metrics;

public class IntersectionOverUnionTests
{
    [Theory]
    // identical boxes: 1
    [InlineData(0.5f, 0.5f, 0.4f, 0.2f, 0.5f, 0.5f, 0.4f, 0.2f, 1f)]
    // unit squares shifted by half a width: intersection 0.5, union 1.5
    [InlineData(0.5f, 0.5f, 1f, 1f, 1f, 0.5f, 1f, 1f, 1f / 3)]
    // 0.2-square inside a 0.4-square: 0.04 / 0.16
    [InlineData(0.5f, 0.5f, 0.4f, 0.4f, 0.5f, 0.5f, 0.2f, 0.2f, 0.25f)]
    // overlapping on x only, apart on y: 0
    [InlineData(0.5f, 0.2f, 0.4f, 0.2f, 0.5f, 0.8f, 0.4f, 0.2f, 0f)]
    // touching edges (x 0.3..0.5 and 0.5..0.7): 0
    [InlineData(0.4f, 0.5f, 0.2f, 0.2f, 0.6f, 0.5f, 0.2f, 0.2f, 0f)]
    // 0.5 x 0.5 and 0.5 x 0.25 sharing a centre: 0.125 / 0.25, exactly 0.5 in binary
    [InlineData(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f, 0.5f)]
    // diagonal offset (0.1, 0.1) of 0.4-squares: 0.3 * 0.3 / (0.32 - 0.09)
    [InlineData(0.4f, 0.4f, 0.4f, 0.4f, 0.5f, 0.5f, 0.4f, 0.4f, 0.09f / 0.23f)]
    // zero-size boxes (zero union): 0
    [InlineData(0.5f, 0.5f, 0f, 0f, 0.5f, 0.5f, 0f, 0f, 0f)]
    public void Of_KnownBoxes_IsTheHandComputedRatio(float xa, float ya, float wa, float ha, float xb, float yb, float wb, float hb, float expected)
    {
        // Given
        var a = new Detection(0, 1f, xa, ya, wa, ha);
        var b = new BoundingBox(0, xb, yb, wb, hb);

        // When
        float iou = IntersectionOverUnion.Of(a, b);
        float swapped = IntersectionOverUnion.Of(xb, yb, wb, hb, xa, ya, wa, ha);

        // Then
        iou.ShouldBe(expected, 1e-6f);
        swapped.ShouldBe(iou);
    }
}
