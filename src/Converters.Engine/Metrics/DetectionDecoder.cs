using System.Collections.Immutable;
using System.Globalization;
using Converters.Ir;
using Converters.Ir.Schemas;

namespace Converters.Engine.Metrics;

/// <summary>
/// Turns the output of a <c>Yolo</c> or <c>Region</c> node (Darknet's layer output: the engine's
/// kernels already applied the logistic / softmax) into per-class detections, as Darknet's
/// <c>get_network_boxes</c> does with <c>relative=1</c> and the image size equal to the network size.
/// </summary>
/// <remarks>
/// <para>
/// Per grid cell (row-major) and per anchor, with the anchor's entries e at channel
/// <c>n * entries + e</c>: a box whose objectness is not above the threshold is skipped (pjreddie
/// <c>get_yolo_detections</c> / <c>get_region_detections</c>); otherwise its box is
/// <c>x = (col + tx) / gridW</c>, <c>y = (row + ty) / gridH</c>, <c>w = exp(tw) * anchorW / D</c>,
/// <c>h = exp(th) * anchorH / D'</c>, where for <c>Yolo</c> the anchor is <c>anchors[mask[n]]</c> in
/// pixels and D, D' the network width and height, and for <c>Region</c> the anchor is
/// <c>anchors[n]</c> in grid cells (0.5 when the node has none, Darknet's default) and D, D' the grid
/// width and height. With <c>new_coords=1</c> (AlexeyAB) the Yolo size is <c>tw² * 4 * anchorW / netW</c>.
/// <c>scale_x_y</c> is already applied to x, y by the layer. Each class j yields a detection with
/// probability <c>objectness * class_j</c> when that is above the threshold (Darknet zeroes it
/// otherwise, which is the same as not emitting it).
/// </para>
/// <para>
/// No letterbox correction is applied: boxes are relative to the network input. Detections are
/// appended in Darknet's order: cell, then anchor, then class. A NaN objectness is skipped (AlexeyAB
/// skips it; pjreddie keeps the box with every probability 0, so neither emits a detection).
/// <c>Region</c>'s <c>background</c> variant is not in the IR, and a <c>Region</c> with a class tree
/// (<c>group_sizes</c>) is rejected: Darknet decodes it through the tree's parents, which the IR does not keep.
/// </para>
/// </remarks>
public static class DetectionDecoder
{
    /// <summary>Appends the detections of batch item <paramref name="batchIndex"/> of a detection head's output to <paramref name="destination"/>.</summary>
    /// <param name="head">The <c>Yolo</c> or <c>Region</c> node (standard domain) that produced <paramref name="output"/>.</param>
    /// <param name="output">The node's float32 NCHW output, N x anchors·entries x H x W.</param>
    /// <param name="batchIndex">The batch item to decode.</param>
    /// <param name="networkWidth">The network input width in pixels (Yolo anchors are in pixels of it).</param>
    /// <param name="networkHeight">The network input height in pixels.</param>
    /// <param name="threshold">Objectness and class-probability threshold (strictly above passes), at least 0; Darknet's demo uses 0.25, its mAP 0.005.</param>
    /// <param name="destination">Receives the detections.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The node is not a Yolo/Region node with valid attributes, or the output's type or shape does not fit it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch index, network size or threshold is out of range.</exception>
    public static void Decode(Node head, TensorData output, int batchIndex, int networkWidth, int networkHeight, float threshold, List<Detection> destination)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(networkWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(networkHeight, 1);
        if (!(threshold >= 0) || float.IsInfinity(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite number at least 0.");
        }

        HeadLayout layout = HeadLayout.Of(head);
        TensorShape shape = output.Shape;
        if (output.DataType != DataType.Float32)
        {
            throw new ArgumentException($"{Describe(head)}: the output must be float32, got {output}.", nameof(output));
        }

        if (shape.Rank != 4 || shape[1] != layout.Channels)
        {
            throw new ArgumentException($"{Describe(head)}: the output must be N x {layout.Channels} x H x W ({layout.Anchors} anchors x {layout.Entries} entries), got shape {shape}.", nameof(output));
        }

        if ((uint)batchIndex >= (uint)shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"The output holds {shape[0]} batch items.");
        }

        int gridH = shape[2], gridW = shape[3], plane = gridH * gridW;
        ReadOnlySpan<float> data = output.AsSpan<float>().Slice(batchIndex * layout.Channels * plane, layout.Channels * plane);
        bool yolo = layout.IsYolo;
        float sizeDivisorW = yolo ? networkWidth : gridW;
        float sizeDivisorH = yolo ? networkHeight : gridH;
        for (int i = 0; i < plane; i++)
        {
            int row = i / gridW;
            int col = i % gridW;
            for (int n = 0; n < layout.Anchors; n++)
            {
                int at = (n * layout.Entries * plane) + i;
                float objectness = data[at + (layout.ObjectnessEntry * plane)];
                if (!(objectness > threshold))
                {
                    continue;
                }

                float tx = data[at], ty = data[at + plane], tw = data[at + (2 * plane)], th = data[at + (3 * plane)];
                float anchorW = layout.AnchorSizes[2 * n], anchorH = layout.AnchorSizes[(2 * n) + 1];
                float x = (col + tx) / gridW;
                float y = (row + ty) / gridH;
                float w, h;
                if (layout.NewCoords)
                {
                    w = tw * tw * 4 * anchorW / sizeDivisorW;
                    h = th * th * 4 * anchorH / sizeDivisorH;
                }
                else
                {
                    // Darknet: exp() in double, times the float anchor, over the int size, stored as float.
                    w = (float)(Math.Exp(tw) * anchorW / sizeDivisorW);
                    h = (float)(Math.Exp(th) * anchorH / sizeDivisorH);
                }

                int classAt = at + (layout.FirstClassEntry * plane);
                for (int j = 0; j < layout.Classes; j++)
                {
                    float probability = objectness * data[classAt + (j * plane)];
                    if (probability > threshold)
                    {
                        destination.Add(new Detection(j, probability, x, y, w, h));
                    }
                }
            }
        }
    }

    private static string Describe(Node head) => $"{head.OpType} '{head.Name}'";

    /// <summary>Where a head keeps its entries, read once from its attributes (schema defaults for absent optional ones).</summary>
    private sealed class HeadLayout
    {
        public bool IsYolo { get; private init; }

        public int Classes { get; private init; }

        public int Anchors { get; private init; }

        public int Entries { get; private init; }

        public int ObjectnessEntry { get; private init; }

        public int FirstClassEntry { get; private init; }

        public bool NewCoords { get; private init; }

        /// <summary>(w, h) per predicted anchor, in the order of the output's anchors (mask applied).</summary>
        public float[] AnchorSizes { get; private init; } = [];

        public int Channels => Anchors * Entries;

        public static HeadLayout Of(Node head)
        {
            if (head.Domain.Length != 0 || head.OpType is not ("Yolo" or "Region"))
            {
                throw new ArgumentException($"{Describe(head)} (domain '{head.Domain}') is not a detection head; expected a standard Yolo or Region node.", nameof(head));
            }

            OpSchema schema = OpSchemaRegistry.Default.Find(head.OpType)!;
            try
            {
                return head.OpType == "Yolo" ? Yolo(head, schema) : Region(head, schema);
            }
            catch (InvalidOperationException e)
            {
                throw new ArgumentException($"{Describe(head)}: {e.Message}", nameof(head), e);
            }
        }

        private static HeadLayout Yolo(Node head, OpSchema schema)
        {
            int classes = PositiveInt(head, schema, "classes");
            ImmutableArray<double> anchors = Get(head, schema, "anchors").AsFloats();
            ImmutableArray<long> mask = Get(head, schema, "mask").AsInts();
            if (anchors.Length == 0 || anchors.Length % 2 != 0)
            {
                throw Invalid(head, "anchors", $"must be a non-empty list of (w, h) pairs, got {anchors.Length} values");
            }

            if (mask.Length == 0 || mask.Any(m => m < 0 || m >= anchors.Length / 2))
            {
                throw Invalid(head, "mask", $"must be a non-empty list of indices into the {anchors.Length / 2} anchors, got [{string.Join(", ", mask)}]");
            }

            var sizes = new float[2 * mask.Length];
            for (int n = 0; n < mask.Length; n++)
            {
                sizes[2 * n] = (float)anchors[(int)(2 * mask[n])];
                sizes[(2 * n) + 1] = (float)anchors[(int)((2 * mask[n]) + 1)];
            }

            return new HeadLayout
            {
                IsYolo = true,
                Classes = classes,
                Anchors = mask.Length,
                Entries = checked(classes + 5),
                ObjectnessEntry = 4,
                FirstClassEntry = 5,
                NewCoords = Get(head, schema, "new_coords").AsInt() != 0,
                AnchorSizes = sizes,
            };
        }

        private static HeadLayout Region(Node head, OpSchema schema)
        {
            int classes = PositiveInt(head, schema, "classes");
            int coords = PositiveInt(head, schema, "coords");
            int num = PositiveInt(head, schema, "num");
            if (coords < 4)
            {
                throw Invalid(head, "coords", $"must be at least 4 (x, y, w, h), got {coords}");
            }

            if (head.Attributes.ContainsKey("group_sizes"))
            {
                // Darknet decodes a class tree with hierarchy_predictions (parent probabilities multiplied
                // down the tree), which needs the tree's parents: the IR keeps only the group sizes.
                throw Invalid(head, "group_sizes", "(YOLO9000's class tree) needs Darknet's hierarchical decoding, which the tree's group sizes alone do not allow; it is not supported");
            }

            ImmutableArray<double> anchors = Get(head, schema, "anchors").AsFloats();
            if (anchors.Length != 0 && anchors.Length != 2 * num)
            {
                throw Invalid(head, "anchors", $"must hold {2 * num} values (num = {num} pairs) or none, got {anchors.Length}");
            }

            float[] sizes = anchors.Length == 0 ? [.. Enumerable.Repeat(0.5f, 2 * num)] : [.. anchors.Select(a => (float)a)];
            return new HeadLayout
            {
                IsYolo = false,
                Classes = classes,
                Anchors = num,
                Entries = checked(coords + classes + 1),
                ObjectnessEntry = coords,
                FirstClassEntry = coords + 1,
                AnchorSizes = sizes,
            };
        }

        private static AttributeValue Get(Node head, OpSchema schema, string name)
        {
            if (head.Attributes.TryGetValue(name, out AttributeValue? value))
            {
                return value;
            }

            return schema.FindAttribute(name)?.Default ?? throw Invalid(head, name, "is required but missing");
        }

        private static int PositiveInt(Node head, OpSchema schema, string name)
        {
            long value = Get(head, schema, name).AsInt();
            return value is > 0 and <= int.MaxValue
                ? (int)value
                : throw Invalid(head, name, string.Create(CultureInfo.InvariantCulture, $"must be a positive integer, got {value}"));
        }

        private static ArgumentException Invalid(Node head, string attribute, string message) =>
            new($"{Describe(head)}: attribute '{attribute}' {message}.", nameof(head));
    }
}
