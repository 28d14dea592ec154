namespace Converters.Engine.Metrics;

/// <summary>Darknet's greedy per-class non-maximum suppression (<c>do_nms_sort</c>).</summary>
public static class NonMaxSuppression
{
    /// <summary>
    /// Removes suppressed detections from <paramref name="detections"/>, keeping the survivors in their
    /// original order. Per class: detections are ranked by score, highest first (equal scores keep
    /// their list order; Darknet's unstable <c>qsort</c> leaves that order unspecified); walking the
    /// ranking, each detection not yet suppressed suppresses every later one of the same class whose
    /// <see cref="IntersectionOverUnion"/> with it is strictly above <paramref name="iouThreshold"/>.
    /// Classes never suppress each other (Darknet zeroes only that class's probability of a box).
    /// </summary>
    /// <param name="detections">The detections of one image; edited in place.</param>
    /// <param name="iouThreshold">Overlap above which the lower-scored box goes; Darknet uses 0.45.</param>
    /// <exception cref="ArgumentNullException"><paramref name="detections"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iouThreshold"/> is NaN.</exception>
    public static void Apply(List<Detection> detections, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(detections);
        if (float.IsNaN(iouThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "The IoU threshold must be a number.");
        }

        if (detections.Count < 2)
        {
            return;
        }

        var suppressed = new bool[detections.Count];
        foreach (IGrouping<int, int> group in Enumerable.Range(0, detections.Count).GroupBy(i => detections[i].ClassId))
        {
            // OrderByDescending is stable: equal scores stay in list order.
            int[] ranked = [.. group.OrderByDescending(i => detections[i].Score)];
            for (int a = 0; a < ranked.Length; a++)
            {
                if (suppressed[ranked[a]])
                {
                    continue;
                }

                Detection kept = detections[ranked[a]];
                for (int b = a + 1; b < ranked.Length; b++)
                {
                    if (!suppressed[ranked[b]] && IntersectionOverUnion.Of(kept, detections[ranked[b]]) > iouThreshold)
                    {
                        suppressed[ranked[b]] = true;
                    }
                }
            }
        }

        int write = 0;
        for (int read = 0; read < detections.Count; read++)
        {
            if (!suppressed[read])
            {
                detections[write++] = detections[read];
            }
        }

        detections.RemoveRange(write, detections.Count - write);
    }
}
