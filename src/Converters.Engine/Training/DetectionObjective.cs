using System.Globalization;
using Converters.Engine.Data;
using Converters.Engine.Metrics;
using Converters.Engine.Training.Losses;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Training;

/// <summary>
/// The YOLOv3 loss with Darknet's semantics on every <c>Yolo</c> head among the graph outputs
/// (thresholds from the head's Darknet keys: <c>ignore_thresh</c>, <c>truth_thresh</c>, <c>max</c>),
/// seeded at each head's input as Darknet's backward copies its delta; the gradient is divided by
/// the batch so a learning rate means what it means in Darknet (which steps by rate / batch).
/// Training metric: recall at IoU 0.5; test metric: mAP@0.5 after Darknet-style decoding and NMS.
/// </summary>
internal sealed class DetectionObjective : TrainingObjective
{
    private const float EvaluationThreshold = 0.005f;
    private const float NmsThreshold = 0.45f;

    private readonly List<Head> _heads = [];
    private readonly int _netWidth;
    private readonly int _netHeight;
    private readonly int _classes;
    private readonly List<IReadOnlyList<BoundingBox>> _truths = [];
    private readonly List<Detection> _detections = [];
    private MeanAveragePrecision _map;

    public DetectionObjective(TrainingSession session, IDataset train)
    {
        Graph graph = session.Graph;
        TensorShape input = session.Inputs[0].Shape;
        _netHeight = input[2];
        _netWidth = input[3];
        foreach (string output in graph.Outputs)
        {
            Node? node = graph.FindProducer(output);
            if (node is { OpType: "Yolo" })
            {
                Dictionary<string, string> keys = DarknetKeys(node);
                YoloLoss loss;
                try
                {
                    loss = YoloLoss.ForNode(
                        node,
                        Number(keys, "ignore_thresh", 0.5f, node),
                        Number(keys, "truth_thresh", 1f, node),
                        (int)Number(keys, "max", 90f, node));
                }
                catch (ArgumentException e)
                {
                    throw new InputFormatException($"Yolo '{node.Name}': {e.Message}") { FieldPath = node.Name };
                }

                TensorShape shape = session.ShapeOf(output);
                _heads.Add(new Head(node, output, node.Inputs[0], loss, shape[2], shape[3], new float[shape.ElementCount]));
            }
            else if (node is { OpType: "Region" })
            {
                throw new InputFormatException($"Region '{node.Name}': training YOLOv2 region heads is not supported; YOLOv3 [yolo] heads are") { FieldPath = node.Name };
            }
        }

        if (_heads.Count == 0)
        {
            throw new InputFormatException($"a detection dataset needs a model with Yolo outputs; this one's outputs are {string.Join(", ", graph.Outputs)}") { FieldPath = "--data" };
        }

        _classes = _heads[0].Loss.Classes;
        if (_heads.Any(h => h.Loss.Classes != _classes) || _classes < train.ClassCount)
        {
            throw new InputFormatException($"the model's heads detect {string.Join("/", _heads.Select(h => h.Loss.Classes).Distinct())} classes, the dataset has {train.ClassCount}") { FieldPath = "--data" };
        }

        _map = new MeanAveragePrecision(_classes);
    }

    public override string MetricName => "mAP@0.5";

    public override IReadOnlyList<string> LossValues => [.. _heads.Select(h => h.Input)];

    public override (double Loss, double Metric) Compute(TrainingSession session, IDataset data, ReadOnlySpan<int> samples, Dictionary<string, float[]> seeds)
    {
        _truths.Clear();
        foreach (int sample in samples)
        {
            _truths.Add(data.GetBoxes(sample));
        }

        double cost = 0, recalled = 0;
        int count = 0;
        float scale = 1f / samples.Length;
        foreach (Head head in _heads)
        {
            YoloLossStatistics stats = head.Loss.Compute(session.Value(head.Output), samples.Length, head.Height, head.Width, _netWidth, _netHeight, _truths, head.Gradient);
            System.Numerics.Tensors.TensorPrimitives.Multiply(head.Gradient, scale, head.Gradient);
            seeds[head.Input] = head.Gradient;
            cost += stats.Cost;
            recalled += stats.Recall50 * stats.Count;
            count += stats.Count;
        }

        // The loss per image; the metric numerator is recall@0.5 scaled to images, so that the
        // trainer's running mean (numerator / images) is the recall over the epoch's truths so far.
        return (cost * scale, count == 0 ? 0 : recalled / count * samples.Length);
    }

    public override void BeginEvaluation() => _map = new MeanAveragePrecision(_classes);

    public override void AddEvaluation(TrainingSession session, IDataset data, int firstSample, int count)
    {
        TensorData[] outputs = [.. _heads.Select(h => TensorData.Create(session.ShapeOf(h.Output), session.Value(h.Output).ToArray()))];
        for (int i = 0; i < count; i++)
        {
            _detections.Clear();
            for (int h = 0; h < _heads.Count; h++)
            {
                DetectionDecoder.Decode(_heads[h].Node, outputs[h], i, _netWidth, _netHeight, EvaluationThreshold, _detections);
            }

            NonMaxSuppression.Apply(_detections, NmsThreshold);
            _map.Add(_detections, data.GetBoxes(firstSample + i));
        }
    }

    public override double EndEvaluation() => _map.Value;

    private static Dictionary<string, string> DarknetKeys(Node node)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Metadata.TryGetValue("darknet.keys", out AttributeValue? value) && value.Kind == AttributeKind.Strings)
        {
            foreach (string entry in value.AsStrings())
            {
                int eq = entry.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    keys.TryAdd(entry[..eq], entry[(eq + 1)..]);
                }
            }
        }

        return keys;
    }

    private static float Number(Dictionary<string, string> keys, string key, float fallback, Node node)
    {
        if (!keys.TryGetValue(key, out string? text))
        {
            return fallback;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
            ? value
            : throw new InputFormatException($"Yolo '{node.Name}': {key}={text} is not a number") { FieldPath = $"{node.Name}.{key}" };
    }

    private sealed record Head(Node Node, string Output, string Input, YoloLoss Loss, int Height, int Width, float[] Gradient);
}
