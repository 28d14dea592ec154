using Converters.Engine.Data;
using Converters.Engine.Metrics;
using Converters.Engine.Training.Losses;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Training;

/// <summary>
/// Softmax cross-entropy on the logits (the input of the model's final Softmax when it ends in
/// one, else its first output), optionally distilled from a teacher; top-1 accuracy.
/// </summary>
internal sealed class ClassificationObjective : TrainingObjective
{
    private readonly string _logits;
    private readonly int _classes;
    private readonly int[] _labels;
    private readonly float[] _gradient;
    private readonly TrainerOptions _options;
    private readonly InferenceSession? _teacher;
    private readonly string? _teacherInput;
    private readonly string? _teacherLogits;
    private readonly float[] _teacherBuffer;
    private TopKAccuracy _top1 = new(1);

    public ClassificationObjective(TrainingSession session, IDataset train, TrainerOptions options)
    {
        _options = options;
        _logits = Logits(session.Graph);
        TensorShape logits = session.ShapeOf(_logits);
        _classes = (int)(logits.ElementCount / session.Batch);
        if (logits[0] != session.Batch || _classes != train.ClassCount)
        {
            throw new InputFormatException($"the model's scores '{_logits}' have shape {logits} at batch {session.Batch}: {_classes} classes, the dataset has {train.ClassCount}") { FieldPath = "--data" };
        }

        _labels = new int[session.Batch];
        _gradient = new float[session.Batch * _classes];
        _teacherBuffer = [];
        if (options.Teacher is Model teacher)
        {
            TensorShape input = session.Inputs[0].Shape;
            Graph tg = teacher.Graph;
            if (tg.Inputs.Count != 1 || tg.Inputs[0].Shape.Rank != 4 || tg.Inputs[0].Shape[1] != input[1] || tg.Inputs[0].Shape[2] != input[2] || tg.Inputs[0].Shape[3] != input[3])
            {
                throw new InputFormatException($"the teacher must take the student's {input[1]}x{input[2]}x{input[3]} images; it has {string.Join(", ", tg.Inputs.Select(i => $"{i.Name} {i.Shape}"))}") { FieldPath = "--teacher" };
            }

            _teacherInput = tg.Inputs[0].Name;
            _teacherLogits = Logits(tg);
            _teacher = new InferenceSession(teacher, new InferenceSessionOptions { MaxThreads = options.MaxThreads, KeepAlive = [_teacherLogits] });
            _teacherBuffer = new float[input.ElementCount];
        }
    }

    public override string MetricName => "top1";

    public override IReadOnlyList<string> LossValues => [_logits];

    public override (double Loss, double Metric) Compute(TrainingSession session, IDataset data, ReadOnlySpan<int> samples, Dictionary<string, float[]> seeds)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            _labels[i] = data.GetLabel(samples[i]);
        }

        ReadOnlySpan<float> logits = session.Value(_logits);
        int hits = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            if (ArgMax(logits.Slice(i * _classes, _classes)) == _labels[i])
            {
                hits++;
            }
        }

        double loss;
        if (_teacher is not null)
        {
            string input = session.Inputs[0].Name;
            session.Value(input).CopyTo(_teacherBuffer);
            TensorData batch = TensorData.Create(session.ShapeOf(input), _teacherBuffer);
            TensorData scores = _teacher.Run(new Dictionary<string, TensorData>(StringComparer.Ordinal) { [_teacherInput!] = batch }, [_teacherLogits!])[_teacherLogits!];
            if (scores.Shape.ElementCount != logits.Length)
            {
                throw new InputFormatException($"the teacher's scores '{_teacherLogits}' have shape {scores.Shape}, the student's {session.ShapeOf(_logits)}") { FieldPath = "--teacher" };
            }

            loss = DistillationLoss.Compute(logits, scores.AsSpan<float>(), _labels, _classes, _options.DistillationAlpha, _options.Temperature, _gradient).Total;
        }
        else
        {
            loss = SoftmaxCrossEntropy.Compute(logits, _labels, _classes, 0f, _gradient, []);
        }

        seeds[_logits] = _gradient;
        return (loss, hits);
    }

    public override void BeginEvaluation() => _top1 = new TopKAccuracy(1);

    public override void AddEvaluation(TrainingSession session, IDataset data, int firstSample, int count)
    {
        ReadOnlySpan<float> scores = session.Value(_logits);
        for (int i = 0; i < count; i++)
        {
            _top1.Add(scores.Slice(i * _classes, _classes), data.GetLabel(firstSample + i));
        }
    }

    public override double EndEvaluation() => _top1.Value;

    /// <summary>The logits: the input of a final plain Softmax, else the first output.</summary>
    private static string Logits(Graph graph)
    {
        if (graph.Outputs.Count == 0)
        {
            throw new InputFormatException("the model has no outputs to train");
        }

        string output = graph.Outputs[0];
        Node? producer = graph.FindProducer(output);
        return producer is { OpType: "Softmax" } && !producer.Attributes.ContainsKey("group_sizes") ? producer.Inputs[0] : output;
    }

    private static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }
}
