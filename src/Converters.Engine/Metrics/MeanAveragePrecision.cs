using System.Collections.ObjectModel;
using Converters.Engine.Data;

namespace Converters.Engine.Metrics;

/// <summary>
/// Mean average precision over a set of images at one IoU threshold (mAP@0.5 by default), computed as
/// AlexeyAB Darknet's <c>detector map</c> does (<c>validate_detector_map</c>, area under the curve).
/// </summary>
/// <remarks>
/// <para>
/// Matching, per image as it is added: each prediction is assigned the ground-truth box of its class
/// with the highest <see cref="IntersectionOverUnion"/> that is strictly above the IoU threshold
/// (AlexeyAB tests <c>iou &gt; iou_thresh</c>; an IoU of exactly 0.5 does not match at mAP@0.5; on equal
/// IoU the first truth wins). The assignment ignores whether another prediction also chose that truth,
/// as AlexeyAB and the Pascal VOC devkit do, so a prediction whose best truth is already taken is a
/// false positive even if it overlaps another free truth enough (COCO's evaluator would try the next
/// truth instead).
/// </para>
/// <para>
/// Per class, over all images: predictions ranked by score, highest first (equal scores keep the order
/// they were added in); walking the ranking, a prediction is a true positive when it has a truth that
/// no higher-ranked prediction took, else a false positive (duplicates of one object are false
/// positives). Precision <c>p_r = TP/(TP+FP)</c> and recall <c>r_r = TP/truths</c> after each rank give
/// the average precision as the area under the monotone envelope,
/// <c>AP = Σ_r (r_r − r_(r−1)) · max_(r' ≥ r) p_(r')</c> with <c>r_(−1) = 0</c> (Pascal VOC 2010+ all
/// points; Darknet's <c>-points 0</c>). A class with truths and no predictions has AP 0.
/// </para>
/// <para>
/// <see cref="Value"/> averages over the classes that have at least one ground-truth box; AlexeyAB
/// divides by every class instead (a class absent from the ground truth counts 0 there), so on a
/// data set where every class occurs both agree.
/// </para>
/// </remarks>
public sealed class MeanAveragePrecision
{
    private readonly List<Ranked>[] _predictions;
    private readonly long[] _truthCounts;
    private readonly float _iouThreshold;
    private long _truthTotal;
    private long _added;
    private ReadOnlyCollection<double>? _perClass;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="classCount">The number of classes; class ids are 0 .. classCount − 1.</param>
    /// <param name="iouThreshold">The IoU a prediction must exceed to match a truth, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public MeanAveragePrecision(int classCount, double iouThreshold = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (!(iouThreshold >= 0 && iouThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "The IoU threshold must be in [0, 1).");
        }

        ClassCount = classCount;
        IouThreshold = iouThreshold;
        _iouThreshold = (float)iouThreshold;
        _predictions = new List<Ranked>[classCount];
        for (int c = 0; c < classCount; c++)
        {
            _predictions[c] = [];
        }

        _truthCounts = new long[classCount];
        TruthCounts = Array.AsReadOnly(_truthCounts);
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The IoU a prediction must exceed to match a truth.</summary>
    public double IouThreshold { get; }

    /// <summary>The number of images added.</summary>
    public long ImageCount { get; private set; }

    /// <summary>The number of ground-truth boxes of each class added so far.</summary>
    public IReadOnlyList<long> TruthCounts { get; }

    /// <summary>The mean of <see cref="PerClass"/> over the classes with at least one ground-truth box; NaN when there are none.</summary>
    public double Value
    {
        get
        {
            double sum = 0;
            int count = 0;
            foreach (double ap in PerClass)
            {
                if (!double.IsNaN(ap))
                {
                    sum += ap;
                    count++;
                }
            }

            return count == 0 ? double.NaN : sum / count;
        }
    }

    /// <summary>The average precision of each class; NaN for a class without ground-truth boxes.</summary>
    public IReadOnlyList<double> PerClass => _perClass ??= Array.AsReadOnly(Enumerable.Range(0, ClassCount).Select(AveragePrecision).ToArray());

    /// <summary>Adds one image: its predictions (after NMS) and its ground-truth boxes, both relative to the same frame.</summary>
    /// <param name="predictions">The detections, any order.</param>
    /// <param name="truths">The labelled boxes.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A class id is out of range, or a score or coordinate is not finite (the message gives the index).</exception>
    public void Add(IReadOnlyList<Detection> predictions, IReadOnlyList<BoundingBox> truths)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(truths);
        for (int i = 0; i < predictions.Count; i++)
        {
            Detection p = predictions[i];
            Check(p.ClassId, [p.Score, p.X, p.Y, p.Width, p.Height], $"predictions[{i}]", nameof(predictions));
        }

        for (int j = 0; j < truths.Count; j++)
        {
            BoundingBox t = truths[j];
            Check(t.ClassId, [t.X, t.Y, t.Width, t.Height], $"truths[{j}]", nameof(truths));
        }

        foreach (Detection p in predictions)
        {
            int best = -1;
            float bestIou = 0;
            for (int j = 0; j < truths.Count; j++)
            {
                if (truths[j].ClassId != p.ClassId)
                {
                    continue;
                }

                float iou = IntersectionOverUnion.Of(p, truths[j]);
                if (iou > _iouThreshold && iou > bestIou)
                {
                    bestIou = iou;
                    best = j;
                }
            }

            _predictions[p.ClassId].Add(new Ranked(p.Score, best < 0 ? -1 : _truthTotal + best, _added++));
        }

        foreach (BoundingBox t in truths)
        {
            _truthCounts[t.ClassId]++;
        }

        _truthTotal += truths.Count;
        ImageCount++;
        _perClass = null;
    }

    private void Check(int classId, ReadOnlySpan<float> values, string what, string parameter)
    {
        if ((uint)classId >= (uint)ClassCount)
        {
            throw new ArgumentException($"{what}: class {classId} is not in [0, {ClassCount}).", parameter);
        }

        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException($"{what}: scores and coordinates must be finite, got {v}.", parameter);
            }
        }
    }

    private double AveragePrecision(int classId)
    {
        long truths = _truthCounts[classId];
        if (truths == 0)
        {
            return double.NaN;
        }

        Ranked[] ranked = [.. _predictions[classId].OrderByDescending(r => r.Score).ThenBy(r => r.Order)];
        var taken = new HashSet<long>();
        var precision = new double[ranked.Length];
        var recall = new double[ranked.Length];
        long tp = 0;
        for (int r = 0; r < ranked.Length; r++)
        {
            if (ranked[r].Truth >= 0 && taken.Add(ranked[r].Truth))
            {
                tp++;
            }

            precision[r] = (double)tp / (r + 1);
            recall[r] = (double)tp / truths;
        }

        double ap = 0;
        double envelope = 0;
        for (int r = ranked.Length - 1; r >= 0; r--)
        {
            envelope = Math.Max(envelope, precision[r]);
            ap += (recall[r] - (r == 0 ? 0 : recall[r - 1])) * envelope;
        }

        return ap;
    }

    private readonly record struct Ranked(float Score, long Truth, long Order);
}
