using System.Diagnostics;
using Converters.Engine.Data;
using Converters.Engine.Training.Losses;
using Converters.Engine.Training.Optimizers;
using Converters.Engine.Training.Schedules;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Training;

/// <summary>
/// Trains a model on a dataset: epochs of shuffled batches (the last incomplete batch dropped), each
/// a training-mode forward, the loss and its gradient (classification: softmax cross-entropy on the
/// logits — the input of a final Softmax — optionally distilled from a teacher; detection: the
/// YOLOv3 loss of every Yolo head), the L1 sparsity penalty on BN scales, a backward, optional
/// gradient clipping and one optimizer step at the schedule's learning rate; after each epoch the
/// test metric in evaluation mode (top-1 accuracy, or mAP@0.5).
/// </summary>
public sealed class Trainer
{
    private readonly IDataset _train;
    private readonly IDataset? _test;
    private readonly Optimizer _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly TrainerOptions _options;
    private readonly TrainingObjective _objective;
    private readonly string _input;
    private readonly int _sampleSize;
    private readonly Dictionary<string, float[]> _seeds = new(StringComparer.Ordinal);

    /// <summary>Builds the training session for <paramref name="model"/> at the options' batch.</summary>
    /// <exception cref="InputFormatException">The model does not fit the dataset (input size, classes, heads).</exception>
    public Trainer(Model model, IDataset train, IDataset? test, Optimizer optimizer, LearningRateSchedule schedule, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        _options = options ?? new TrainerOptions();
        _train = train;
        _test = test;
        _optimizer = optimizer;
        _schedule = schedule;
        if (train.Count < _options.Batch)
        {
            throw new InputFormatException($"the training set has {train.Count} samples, fewer than one batch of {_options.Batch}") { FieldPath = "--batch" };
        }

        Graph graph = model.Graph;
        if (graph.Inputs.Count != 1 || graph.Inputs[0].Shape.Rank != 4)
        {
            throw new InputFormatException($"training needs a model with one NCHW image input; this one has {string.Join(", ", graph.Inputs.Select(i => $"{i.Name} {i.Shape}"))}");
        }

        TensorShape input = graph.Inputs[0].Shape;
        if (input[1] != train.Channels || input[2] != train.Height || input[3] != train.Width)
        {
            throw new InputFormatException($"the model takes {input[1]}x{input[2]}x{input[3]} images, the dataset gives {train.Channels}x{train.Height}x{train.Width}") { FieldPath = "--data" };
        }

        if (_options.Teacher is not null && train.Task != DatasetTask.Classification)
        {
            throw new InputFormatException("distillation from a teacher is for classification; the dataset is a detection dataset") { FieldPath = "--teacher" };
        }

        _input = graph.Inputs[0].Name;
        Session = new TrainingSession(model, new TrainingSessionOptions
        {
            Batch = _options.Batch,
            MaxThreads = _options.MaxThreads,
            Seed = _options.Seed,
            BatchNormMomentum = _options.BatchNormMomentum,
        });
        _objective = train.Task == DatasetTask.Classification
            ? new ClassificationObjective(Session, train, _options)
            : new DetectionObjective(Session, train);
        _sampleSize = train.Channels * train.Height * train.Width;
    }

    /// <summary>The training session (parameters, current values).</summary>
    public TrainingSession Session { get; }

    /// <summary>Optimizer steps taken so far (the schedule's iteration).</summary>
    public int Iteration { get; private set; }

    /// <summary>The values the loss is computed on: the logits, or the inputs of the Yolo heads.</summary>
    public IReadOnlyList<string> LossValues => _objective.LossValues;

    /// <summary>The test metric's name: <c>top1</c> or <c>mAP@0.5</c>.</summary>
    public string MetricName => _objective.MetricName;

    /// <summary>Trains one epoch, then evaluates on the test set when there is one.</summary>
    public EpochRecord RunEpoch(int epoch, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        int batch = _options.Batch;
        int batches = _train.Count / batch;
        int[] order = Order(epoch);
        Session.Training = true;
        double lossSum = 0, metricSum = 0;
        float rate = 0;
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < batches; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            ReadOnlySpan<int> samples = order.AsSpan(b * batch, batch);
            Load(_train, samples, Session.Input(_input));
            Session.Forward();
            _seeds.Clear();
            (double loss, double metric) = _objective.Compute(Session, _train, samples, _seeds);
            Session.Backward(_seeds);
            if (_options.Sparsity > 0)
            {
                loss += BatchNormScaleSparsity.Apply(Session.Parameters, _options.Sparsity);
            }

            if (_options.ClipValue is float value)
            {
                GradientClipping.ClipByValue(Session.Parameters, value);
            }

            if (_options.ClipNorm is float norm)
            {
                GradientClipping.ClipByGlobalNorm(Session.Parameters, norm);
            }

            rate = _schedule.At(Iteration);
            _optimizer.Step(Session.Parameters, rate);
            Iteration++;
            lossSum += loss;
            metricSum += metric;
            progress?.Invoke(new TrainingProgress(epoch, b + 1, batches, lossSum / (b + 1), metricSum / ((b + 1) * batch), (b + 1) * batch / clock.Elapsed.TotalSeconds));
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double? test = _test is null ? null : Evaluate(_test, cancellation);
        return new EpochRecord(epoch, seconds, lossSum / batches, metricSum / (batches * batch), _objective.MetricName, test, rate, batches * batch);
    }

    /// <summary>The test metric on <paramref name="data"/> in evaluation mode (BN running statistics, no dropout).</summary>
    public double Evaluate(IDataset data, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int batch = _options.Batch;
        bool training = Session.Training;
        Session.Training = false;
        _objective.BeginEvaluation();
        int[] order = [.. Enumerable.Range(0, data.Count)];
        for (int start = 0; start < data.Count; start += batch)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batch, data.Count - start);
            Span<float> input = Session.Input(_input);
            Load(data, order.AsSpan(start, count), input);
            input[(count * _sampleSize)..].Clear();
            Session.Forward();
            _objective.AddEvaluation(Session, data, start, count);
        }

        Session.Training = training;
        return _objective.EndEvaluation();
    }

    /// <summary>The model with the trained parameters and BN statistics.</summary>
    public Model ToModel() => Session.ToModel();

    private int[] Order(int epoch)
    {
        int[] order = [.. Enumerable.Range(0, _train.Count)];
        if (_options.Shuffle)
        {
            var random = new SplitMix64(_options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)epoch));
            random.Shuffle(order);
        }

        return order;
    }

    private void Load(IDataset data, ReadOnlySpan<int> samples, Span<float> destination)
    {
        int size = _sampleSize;
        for (int i = 0; i < samples.Length; i++)
        {
            data.ReadSample(samples[i], destination.Slice(i * size, size));
        }
    }
}
