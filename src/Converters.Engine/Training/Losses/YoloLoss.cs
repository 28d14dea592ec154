using Converters.Engine.Data;
using Converters.Ir;

namespace Converters.Engine.Training.Losses;

/// <summary>
/// The YOLOv3 loss of one [yolo] head with Darknet's semantics (pjreddie's forward_yolo_layer):
/// every prediction whose best IoU with a truth is at most <see cref="IgnoreThreshold"/> is pushed
/// towards objectness 0; each truth is assigned to the best of <em>all</em> anchors by shape IoU and
/// trained only if that anchor is in this head's mask, at the cell holding its centre, with box
/// deltas scaled by <c>2 − w·h</c>, objectness target 1 and one-vs-all class targets.
/// </summary>
/// <remarks>
/// The input is the head's output as Darknet leaves it: NCHW with channel
/// <c>anchor·(5 + classes) + entry</c>, logistic already applied to x, y, objectness and classes,
/// w and h raw. Darknet's <c>delta</c> (target − output) is copied unchanged to the layer's input
/// by its backward pass (no logistic derivative), so the gradient written here is <c>−delta</c> and
/// the cost is <c>Σ delta²</c>. As in Darknet, a truth whose centre x is 0 ends an image's list and
/// only the first <see cref="MaxBoxes"/> truths count; unlike Darknet, a centre at exactly 1 is put
/// in the last cell instead of past the grid.
/// </remarks>
public sealed class YoloLoss
{
    private readonly float[] _anchors;
    private readonly int[] _mask;

    /// <summary>Creates the loss for one head.</summary>
    /// <param name="anchors">All anchors of the network as (width, height) pairs in input pixels (Darknet's <c>anchors</c>).</param>
    /// <param name="mask">The indices of this head's anchors (Darknet's <c>mask</c>).</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="ignoreThreshold">Darknet's <c>ignore_thresh</c>.</param>
    /// <param name="truthThreshold">Darknet's <c>truth_thresh</c> (1: never).</param>
    /// <param name="maxBoxes">Darknet's <c>max</c>: truths per image considered.</param>
    /// <exception cref="ArgumentException">Odd or non-positive anchors, a mask index outside them, or a non-positive count.</exception>
    public YoloLoss(IReadOnlyList<float> anchors, IReadOnlyList<int> mask, int classes, float ignoreThreshold = 0.5f, float truthThreshold = 1f, int maxBoxes = 90)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBoxes, 1);
        if (anchors.Count == 0 || anchors.Count % 2 != 0 || anchors.Any(a => !(a > 0f) || !float.IsFinite(a)))
        {
            throw new ArgumentException($"Expected (width, height) pairs of positive anchor sizes, got {anchors.Count} values.", nameof(anchors));
        }

        if (mask.Count == 0 || mask.Any(m => m < 0 || m >= anchors.Count / 2))
        {
            throw new ArgumentException($"Expected mask indices in [0, {anchors.Count / 2}), got [{string.Join(", ", mask)}].", nameof(mask));
        }

        _anchors = [.. anchors];
        _mask = [.. mask];
        Classes = classes;
        IgnoreThreshold = ignoreThreshold;
        TruthThreshold = truthThreshold;
        MaxBoxes = maxBoxes;
    }

    /// <summary>
    /// The loss for an IR <c>Yolo</c> node (its <c>classes</c>, <c>anchors</c> and <c>mask</c>); the
    /// thresholds are Darknet training keys the caller takes from the node's format metadata.
    /// </summary>
    /// <exception cref="ArgumentException">The node is not a pjreddie-style Yolo head (AlexeyAB's <c>scale_x_y</c> ≠ 1 or <c>new_coords</c> are not supported) or lacks an attribute.</exception>
    public static YoloLoss ForNode(Node node, float ignoreThreshold = 0.5f, float truthThreshold = 1f, int maxBoxes = 90)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.OpType != "Yolo")
        {
            throw new ArgumentException($"Node '{node.Name}' is a {node.OpType}, expected a Yolo head.", nameof(node));
        }

        if ((node.Attributes.TryGetValue("scale_x_y", out AttributeValue? scale) && scale.AsFloat() != 1.0)
            || (node.Attributes.TryGetValue("new_coords", out AttributeValue? newCoords) && newCoords.AsInt() != 0))
        {
            throw new ArgumentException($"Yolo '{node.Name}': the loss follows pjreddie's Darknet; scale_x_y other than 1 and new_coords are AlexeyAB's and not supported.", nameof(node));
        }

        AttributeValue Get(string name) => node.Attributes.TryGetValue(name, out AttributeValue? value)
            ? value
            : throw new ArgumentException($"Yolo '{node.Name}' has no '{name}' attribute.", nameof(node));

        return new YoloLoss(
            [.. Get("anchors").AsFloats().Select(a => (float)a)],
            [.. Get("mask").AsInts().Select(m => checked((int)m))],
            checked((int)Get("classes").AsInt()),
            ignoreThreshold,
            truthThreshold,
            maxBoxes);
    }

    /// <summary>All anchors as (width, height) pairs in input pixels.</summary>
    public IReadOnlyList<float> Anchors => _anchors;

    /// <summary>This head's anchor indices.</summary>
    public IReadOnlyList<int> Mask => _mask;

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>Predictions overlapping a truth by more than this get no objectness loss.</summary>
    public float IgnoreThreshold { get; }

    /// <summary>Predictions overlapping a truth by more than this are trained as that truth.</summary>
    public float TruthThreshold { get; }

    /// <summary>Truths per image considered.</summary>
    public int MaxBoxes { get; }

    /// <summary>The number of channels the head's input has: <c>mask.Count · (5 + classes)</c>.</summary>
    public int Channels => _mask.Length * (5 + Classes);

    /// <summary>Computes Darknet's delta, written as the gradient <c>−delta</c>, and the cost and statistics.</summary>
    /// <param name="output">The head's output, <c>batch × Channels × height × width</c>.</param>
    /// <param name="batch">Images in the batch.</param>
    /// <param name="height">Grid rows.</param>
    /// <param name="width">Grid columns.</param>
    /// <param name="networkWidth">The network's input width in pixels (anchor units).</param>
    /// <param name="networkHeight">The network's input height in pixels.</param>
    /// <param name="truths">Per image, its boxes (YOLO-relative centre and size).</param>
    /// <param name="gradient">Destination of the same size as <paramref name="output"/>.</param>
    /// <exception cref="ArgumentException">Sizes disagree, or a truth has a class out of range or a non-positive size.</exception>
    public YoloLossStatistics Compute(ReadOnlySpan<float> output, int batch, int height, int width, int networkWidth, int networkHeight, IReadOnlyList<IReadOnlyList<BoundingBox>> truths, Span<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(truths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(networkWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(networkHeight, 1);
        long expected = (long)batch * Channels * height * width;
        if (output.Length != expected)
        {
            throw new ArgumentException($"output has {output.Length} elements, expected {batch} × {Channels} × {height} × {width}.", nameof(output));
        }

        if (gradient.Length != output.Length)
        {
            throw new ArgumentException($"gradient has {gradient.Length} elements, expected {output.Length}.", nameof(gradient));
        }

        if (truths.Count != batch)
        {
            throw new ArgumentException($"{truths.Count} truth lists for a batch of {batch}.", nameof(truths));
        }

        for (int b = 0; b < batch; b++)
        {
            IReadOnlyList<BoundingBox> boxes = truths[b];
            for (int t = 0; t < boxes.Count; t++)
            {
                BoundingBox box = boxes[t];
                if ((uint)box.ClassId >= (uint)Classes || !(box.Width > 0f) || !(box.Height > 0f) || !float.IsFinite(box.X) || !float.IsFinite(box.Y))
                {
                    throw new ArgumentException($"Image {b}, truth {t}: {box} needs a class in [0, {Classes}) and a positive size.", nameof(truths));
                }
            }
        }

        Span<float> delta = gradient;
        delta.Clear();
        int area = height * width;
        int entries = 5 + Classes;
        int imageSize = _mask.Length * entries * area;
        double avgIou = 0, avgCat = 0, avgObj = 0, avgAnyObj = 0, recall = 0, recall75 = 0;
        int count = 0;
        for (int b = 0; b < batch; b++)
        {
            IReadOnlyList<BoundingBox> boxes = truths[b];
            int truthCount = CountTruths(boxes);
            int imageOffset = b * imageSize;
            for (int j = 0; j < height; j++)
            {
                for (int i = 0; i < width; i++)
                {
                    for (int n = 0; n < _mask.Length; n++)
                    {
                        int boxIndex = imageOffset + (n * entries * area) + (j * width) + i;
                        Box pred = PredictedBox(output, _mask[n], boxIndex, i, j, width, height, networkWidth, networkHeight, area);
                        float bestIou = 0f;
                        int bestT = 0;
                        for (int t = 0; t < truthCount; t++)
                        {
                            float iou = Iou(pred, Box.From(boxes[t]));
                            if (iou > bestIou)
                            {
                                bestIou = iou;
                                bestT = t;
                            }
                        }

                        int objIndex = boxIndex + (4 * area);
                        avgAnyObj += output[objIndex];
                        delta[objIndex] = 0f - output[objIndex];
                        if (bestIou > IgnoreThreshold)
                        {
                            delta[objIndex] = 0f;
                        }

                        if (bestIou > TruthThreshold)
                        {
                            delta[objIndex] = 1f - output[objIndex];
                            BoundingBox truth = boxes[bestT];
                            ClassDelta(output, delta, boxIndex + (5 * area), truth.ClassId, area, out _);
                            BoxDelta(Box.From(truth), output, _mask[n], boxIndex, i, j, width, height, networkWidth, networkHeight, delta, 2f - (truth.Width * truth.Height), area);
                        }
                    }
                }
            }

            for (int t = 0; t < truthCount; t++)
            {
                BoundingBox truth = boxes[t];
                int i = Math.Clamp((int)(truth.X * width), 0, width - 1);
                int j = Math.Clamp((int)(truth.Y * height), 0, height - 1);
                var shifted = new Box(0f, 0f, truth.Width, truth.Height);
                float bestIou = 0f;
                int bestN = 0;
                for (int n = 0; n < _anchors.Length / 2; n++)
                {
                    var anchor = new Box(0f, 0f, _anchors[2 * n] / networkWidth, _anchors[(2 * n) + 1] / networkHeight);
                    float iou = Iou(anchor, shifted);
                    if (iou > bestIou)
                    {
                        bestIou = iou;
                        bestN = n;
                    }
                }

                int maskN = Array.IndexOf(_mask, bestN);
                if (maskN < 0)
                {
                    continue;
                }

                int boxIndex = imageOffset + (maskN * entries * area) + (j * width) + i;
                float boxIou = BoxDelta(Box.From(truth), output, bestN, boxIndex, i, j, width, height, networkWidth, networkHeight, delta, 2f - (truth.Width * truth.Height), area);
                int objIndex = boxIndex + (4 * area);
                avgObj += output[objIndex];
                delta[objIndex] = 1f - output[objIndex];
                ClassDelta(output, delta, boxIndex + (5 * area), truth.ClassId, area, out float classProbability);
                avgCat += classProbability;
                count++;
                if (boxIou > 0.5f)
                {
                    recall++;
                }

                if (boxIou > 0.75f)
                {
                    recall75++;
                }

                avgIou += boxIou;
            }
        }

        double cost = 0;
        for (int k = 0; k < delta.Length; k++)
        {
            cost += (double)delta[k] * delta[k];
            delta[k] = -delta[k];
        }

        return new YoloLossStatistics(
            (float)cost,
            (float)(avgIou / count),
            (float)(avgCat / count),
            (float)(avgObj / count),
            (float)(avgAnyObj / ((long)area * _mask.Length * batch)),
            (float)(recall / count),
            (float)(recall75 / count),
            count);
    }

    private int CountTruths(IReadOnlyList<BoundingBox> boxes)
    {
        int limit = Math.Min(boxes.Count, MaxBoxes);
        for (int t = 0; t < limit; t++)
        {
            if (boxes[t].X == 0f)
            {
                return t;
            }
        }

        return limit;
    }

    private Box PredictedBox(ReadOnlySpan<float> x, int anchor, int index, int i, int j, int width, int height, int networkWidth, int networkHeight, int stride) => new(
        (i + x[index]) / width,
        (j + x[index + stride]) / height,
        (float)(Math.Exp(x[index + (2 * stride)]) * _anchors[2 * anchor] / networkWidth),
        (float)(Math.Exp(x[index + (3 * stride)]) * _anchors[(2 * anchor) + 1] / networkHeight));

    private float BoxDelta(Box truth, ReadOnlySpan<float> x, int anchor, int index, int i, int j, int width, int height, int networkWidth, int networkHeight, Span<float> delta, float scale, int stride)
    {
        float iou = Iou(PredictedBox(x, anchor, index, i, j, width, height, networkWidth, networkHeight, stride), truth);
        float tx = (truth.X * width) - i;
        float ty = (truth.Y * height) - j;
        float tw = (float)Math.Log(truth.W * networkWidth / _anchors[2 * anchor]);
        float th = (float)Math.Log(truth.H * networkHeight / _anchors[(2 * anchor) + 1]);
        delta[index] = scale * (tx - x[index]);
        delta[index + stride] = scale * (ty - x[index + stride]);
        delta[index + (2 * stride)] = scale * (tw - x[index + (2 * stride)]);
        delta[index + (3 * stride)] = scale * (th - x[index + (3 * stride)]);
        return iou;
    }

    private void ClassDelta(ReadOnlySpan<float> output, Span<float> delta, int index, int classId, int stride, out float classProbability)
    {
        classProbability = output[index + (stride * classId)];
        if (delta[index] != 0f)
        {
            // Darknet: a cell already trained for another truth only gets this class's target added.
            delta[index + (stride * classId)] = 1f - classProbability;
            return;
        }

        for (int c = 0; c < Classes; c++)
        {
            delta[index + (stride * c)] = (c == classId ? 1f : 0f) - output[index + (stride * c)];
        }
    }

    private static float Iou(Box a, Box b)
    {
        float w = Overlap(a.X, a.W, b.X, b.W);
        float h = Overlap(a.Y, a.H, b.Y, b.H);
        float intersection = w < 0f || h < 0f ? 0f : w * h;
        float union = (a.W * a.H) + (b.W * b.H) - intersection;
        return intersection / union;
    }

    private static float Overlap(float x1, float w1, float x2, float w2)
    {
        float left = Math.Max(x1 - (w1 / 2), x2 - (w2 / 2));
        float right = Math.Min(x1 + (w1 / 2), x2 + (w2 / 2));
        return right - left;
    }

    private readonly record struct Box(float X, float Y, float W, float H)
    {
        public static Box From(BoundingBox box) => new(box.X, box.Y, box.Width, box.Height);
    }
}
