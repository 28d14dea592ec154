using System.Collections.Immutable;

namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Detection()
    {
        yield return new OpSchema("Yolo")
        {
            Summary = "Darknet [yolo] head: logistic on x, y, objectness and classes (w, h left raw) per anchor in 'mask'; output shaped like the input.",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("classes", AttributeKind.Int, "Number of classes."),
                AttributeSpec.Required("anchors", AttributeKind.Floats, "All anchors as (w, h) pairs in pixels."),
                AttributeSpec.Required("mask", AttributeKind.Ints, "Indices of the anchors this head predicts."),
                AttributeSpec.Optional("scale_x_y", 1.0, "AlexeyAB grid sensitivity scale."),
                AttributeSpec.Optional("new_coords", 0L, "AlexeyAB scaled-YOLOv4 coordinates (no logistic applied by the layer)."),
            ],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                long classes = c.GetInt("classes");
                if (classes <= 0)
                {
                    throw c.FailAttribute("classes", "must be positive");
                }

                ImmutableArray<double> anchors = c.GetFloats("anchors");
                if (anchors.Length == 0 || anchors.Length % 2 != 0)
                {
                    throw c.FailAttribute("anchors", "must be a non-empty list of (w, h) pairs");
                }

                ImmutableArray<long> mask = c.GetInts("mask");
                if (mask.Length == 0 || mask.Any(m => m < 0 || m >= anchors.Length / 2))
                {
                    throw c.FailAttribute("mask", $"must index the {anchors.Length / 2} anchors");
                }

                long expected = mask.Length * (classes + 5);
                if (x[1] != expected)
                {
                    throw c.FailAttribute("classes", $"with {mask.Length} masked anchors needs {expected} input channels ({mask.Length} x (classes + 5)), input has {x[1]}");
                }

                SameAsInput(c);
            },
        };

        yield return new OpSchema("Region")
        {
            Summary = "Darknet [region] head (YOLOv2): logistic on x, y and objectness; softmax over the classes when softmax=1, else logistic; with group_sizes (YOLO9000's class tree) a softmax over each contiguous group of classes at every position instead; output shaped like the input.",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("classes", AttributeKind.Int, "Number of classes."),
                AttributeSpec.Optional("coords", 4L, "Box coordinates per anchor."),
                AttributeSpec.Optional("num", 1L, "Anchors per cell."),
                AttributeSpec.Optional("anchors", AttributeValue.FromFloats([]), "Anchors as (w, h) pairs in grid cells."),
                AttributeSpec.Optional("softmax", 0L, "1: softmax over the class scores."),
                AttributeSpec.OptionalNoDefault("group_sizes", AttributeKind.Ints, "YOLO9000 hierarchical classes (Darknet 'tree'): the classes split into contiguous groups of these sizes (positive, summing to 'classes'), each softmaxed on its own per anchor and position; overrides 'softmax'."),
            ],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                long classes = c.GetInt("classes");
                long coords = c.GetInt("coords");
                long num = c.GetInt("num");
                if (classes <= 0)
                {
                    throw c.FailAttribute("classes", "must be positive");
                }

                if (coords <= 0 || num <= 0)
                {
                    throw c.FailAttribute(coords <= 0 ? "coords" : "num", "must be positive");
                }

                ImmutableArray<double> anchors = c.GetFloats("anchors");
                if (anchors.Length != 0 && anchors.Length != 2 * num)
                {
                    throw c.FailAttribute("anchors", $"must hold {2 * num} values (num = {num} pairs), got {anchors.Length}");
                }

                long expected = num * (coords + classes + 1);
                if (x[1] != expected)
                {
                    throw c.FailAttribute("num", $"x (coords + classes + 1) needs {expected} input channels, input has {x[1]}");
                }

                GroupSizes(c, "group_sizes", classes, "'classes'");
                SameAsInput(c);
            },
        };
    }
}
