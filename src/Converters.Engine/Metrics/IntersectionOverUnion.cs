using Converters.Engine.Data;

namespace Converters.Engine.Metrics;

/// <summary>
/// Intersection over union of two centre/size boxes, computed in single precision in the same order as
/// Darknet's <c>box_iou</c> (so threshold comparisons agree with it to the last bit).
/// </summary>
public static class IntersectionOverUnion
{
    /// <summary>The IoU of two detections' boxes.</summary>
    public static float Of(in Detection a, in Detection b) => Of(a.X, a.Y, a.Width, a.Height, b.X, b.Y, b.Width, b.Height);

    /// <summary>The IoU of a detection's box and a ground-truth box.</summary>
    public static float Of(in Detection a, in BoundingBox b) => Of(a.X, a.Y, a.Width, a.Height, b.X, b.Y, b.Width, b.Height);

    /// <summary>
    /// The IoU of boxes given by centre (x, y) and size (w, h): intersection area (0 when the boxes do
    /// not overlap on either axis) over <c>wa*ha + wb*hb - intersection</c>. Where Darknet divides by
    /// a zero or negative union (degenerate boxes) and gets NaN or infinity, this returns 0.
    /// </summary>
    public static float Of(float xa, float ya, float wa, float ha, float xb, float yb, float wb, float hb)
    {
        float w = Overlap(xa, wa, xb, wb);
        float h = Overlap(ya, ha, yb, hb);
        float intersection = w < 0 || h < 0 ? 0 : w * h;
        float union = (wa * ha) + (wb * hb) - intersection;
        return union > 0 ? intersection / union : 0;
    }

    private static float Overlap(float x1, float w1, float x2, float w2)
    {
        float left = Math.Max(x1 - (w1 / 2), x2 - (w2 / 2));
        float right = Math.Min(x1 + (w1 / 2), x2 + (w2 / 2));
        return right - left;
    }
}
