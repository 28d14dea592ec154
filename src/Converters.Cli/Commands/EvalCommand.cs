using System.CommandLine;
using System.Globalization;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Engine;
using Converters.Engine.Data;
using Converters.Engine.Metrics;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters eval FILES... --data SPEC [--batch N] [--threads T] [--thresh P] [--nms IOU] [--json OUT]</c>:
/// runs the model over a dataset with the float engine and prints its metric: top-1 and top-5
/// accuracy for a classification dataset (scores: the first graph output, one row per image), or
/// mAP@0.5 for a detection dataset (the model's Yolo/Region outputs decoded as Darknet does, then
/// Darknet's per-class NMS). <c>--json OUT</c> writes <c>{"metric": NAME, "value": X, ...}</c>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files; the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var data = new Option<string>("--data", "-d")
        {
            Description = "The dataset: KIND:LOCATION[?key=value&...], e.g. synthetic:shapes?classes=4&n=500 (see docs/datasets.md).",
            Required = true,
            HelpName = "SPEC",
        };
        var batch = new Option<int?>("--batch")
        {
            Description = "Images per forward pass (default: 16 for classification, 1 for detection).",
            HelpName = "N",
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads for convolution and GEMM (default: all cores).",
            HelpName = "T",
        };
        var thresh = new Option<float>("--thresh")
        {
            Description = "Detection: keep boxes whose class probability exceeds this (Darknet's validation uses 0.005).",
            DefaultValueFactory = _ => 0.005f,
            HelpName = "P",
        };
        var nms = new Option<float>("--nms")
        {
            Description = "Detection: IoU above which a lower-scored box of the same class is suppressed.",
            DefaultValueFactory = _ => 0.45f,
            HelpName = "IOU",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write {\"metric\": NAME, \"value\": X, ...} to this file.",
            HelpName = "OUT",
        };
        var command = new Command("eval", "Evaluate a model on a dataset: top-1/top-5 accuracy or mAP@0.5.")
        {
            files,
            data,
            batch,
            threads,
            thresh,
            nms,
            json,
        };
        command.SetAction(parse => Run(
            context,
            parse.GetRequiredValue(files),
            parse.GetRequiredValue(data),
            parse.GetValue(batch),
            parse.GetValue(threads),
            parse.GetValue(thresh),
            parse.GetValue(nms),
            parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string spec, int? batchOption, int? threads, float thresh, float nms, string? jsonPath)
    {
        CommonOptions.RequirePositive(batchOption, "--batch");
        CommonOptions.RequirePositive(threads, "--threads");

        if (!(thresh >= 0 && thresh < 1))
        {
            throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be in [0, 1), got {thresh}")) { FieldPath = "--thresh" };
        }

        if (!(nms > 0 && nms <= 1))
        {
            throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be in (0, 1], got {nms}")) { FieldPath = "--nms" };
        }

        LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
        Graph graph = loaded.Model.Graph;
        if (graph.Inputs.Count != 1 || graph.Inputs[0].Shape.Rank != 4)
        {
            throw new InputFormatException($"eval needs a model with one NCHW image input; this one has {string.Join(", ", graph.Inputs.Select(i => $"{i.Name} {i.Shape}"))}") { FilePath = paths[0] };
        }

        TensorShape modelInput = graph.Inputs[0].Shape;
        IDataset dataset = DatasetSpec.Open(spec, new DatasetOpenOptions
        {
            Channels = modelInput[1],
            Height = modelInput[2],
            Width = modelInput[3],
            BaseDirectory = Directory.GetCurrentDirectory(),
        });
        if (dataset.Count == 0)
        {
            throw new InputFormatException($"dataset \"{spec}\" has no samples") { FieldPath = "--data" };
        }

        if (dataset.Channels != modelInput[1])
        {
            throw new InputFormatException($"the dataset gives {dataset.Channels}-channel images, the model takes {modelInput[1]} channels (add channels={modelInput[1]} to the spec)") { FieldPath = "--data" };
        }

        bool detection = dataset.Task == DatasetTask.Detection;
        int batch = Math.Min(batchOption ?? (detection ? 1 : 16), dataset.Count);
        Model model = InputGeometry.Resize(loaded.Model, dataset.Width, dataset.Height, batch, "--data");
        var session = new InferenceSession(model, new InferenceSessionOptions { MaxThreads = threads ?? Environment.ProcessorCount });
        var evaluator = detection
            ? (Evaluator)new DetectionEvaluator(model.Graph, dataset, paths[0], thresh, nms)
            : new ClassificationEvaluator(model.Graph, dataset);

        context.Output.WriteLine($"{Path.GetFileName(paths[0])} on {dataset.Description}, batch {batch}");
        string inputName = model.Graph.Inputs[0].Name;
        int sampleSize = dataset.Channels * dataset.Height * dataset.Width;
        float[] fullStorage = new float[batch * sampleSize];
        TensorData full = TensorData.Create(TensorShape.Of(batch, dataset.Channels, dataset.Height, dataset.Width), fullStorage);

        context.Output.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                ProgressTask task = progress.AddTask("evaluating", maxValue: dataset.Count);
                for (int start = 0; start < dataset.Count; start += batch)
                {
                    int count = Math.Min(batch, dataset.Count - start);
                    float[] storage = count == batch ? fullStorage : new float[count * sampleSize];
                    TensorData input = count == batch
                        ? full
                        : TensorData.Create(TensorShape.Of(count, dataset.Channels, dataset.Height, dataset.Width), storage);
                    int first = start;
                    Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount }, i =>
                        dataset.ReadSample(first + i, storage.AsSpan(i * sampleSize, sampleSize)));
                    IReadOnlyDictionary<string, TensorData> outputs = session.Run(new Dictionary<string, TensorData>(StringComparer.Ordinal) { [inputName] = input }, evaluator.Outputs);
                    for (int i = 0; i < count; i++)
                    {
                        evaluator.Add(outputs, i, first + i);
                    }

                    task.Increment(count);
                }
            });

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("value").RightAligned());
        foreach ((string name, double value) in evaluator.Results)
        {
            table.AddRow(name, value.ToString("0.0000", CultureInfo.InvariantCulture));
        }

        table.AddRow("samples", dataset.Count.ToString(CultureInfo.InvariantCulture));
        context.Output.Write(table);
        evaluator.WriteDetails(context.Output);

        if (jsonPath is not null)
        {
            (string metric, double value) = evaluator.Results[0];
            JsonReport.Write(jsonPath, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("metric", metric);
                writer.WriteNumber("value", value);
                writer.WriteString("model", paths[0]);
                writer.WriteString("data", spec);
                writer.WriteNumber("samples", dataset.Count);
                writer.WriteStartObject("metrics");
                foreach ((string name, double v) in evaluator.Results)
                {
                    writer.WriteNumber(name, v);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            });
            context.Output.WriteLine($"wrote {jsonPath}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Accumulates one metric family over the model's outputs.</summary>
    private abstract class Evaluator
    {
        /// <summary>The graph values the evaluator reads.</summary>
        public abstract IReadOnlyList<string> Outputs { get; }

        /// <summary>The metrics, the headline one first.</summary>
        public abstract IReadOnlyList<(string Name, double Value)> Results { get; }

        /// <summary>Adds batch item <paramref name="item"/>, dataset sample <paramref name="sample"/>.</summary>
        public abstract void Add(IReadOnlyDictionary<string, TensorData> outputs, int item, int sample);

        /// <summary>Prints anything beyond the headline table.</summary>
        public virtual void WriteDetails(IAnsiConsole console)
        {
        }
    }

    private sealed class ClassificationEvaluator : Evaluator
    {
        private readonly IDataset _dataset;
        private readonly string _output;
        private readonly TopKAccuracy _top1 = new(1);
        private readonly TopKAccuracy? _top5;
        private readonly int _classes;

        public ClassificationEvaluator(Graph graph, IDataset dataset)
        {
            _dataset = dataset;
            _output = graph.Outputs[0];
            TensorShape shape = graph.FindValue(_output)?.Shape ?? throw new InvalidOperationException($"output '{_output}' has no inferred shape");
            _classes = (int)(shape.ElementCount / shape[0]);
            if (_classes < dataset.ClassCount)
            {
                throw new InputFormatException($"the model's output '{_output}' {shape} scores {_classes} classes per image, the dataset has {dataset.ClassCount}") { FieldPath = "--data" };
            }

            _top5 = _classes >= 5 ? new TopKAccuracy(5) : null;
        }

        public override IReadOnlyList<string> Outputs => [_output];

        public override IReadOnlyList<(string Name, double Value)> Results =>
            _top5 is null ? [("top1", _top1.Value)] : [("top1", _top1.Value), ("top5", _top5.Value)];

        public override void Add(IReadOnlyDictionary<string, TensorData> outputs, int item, int sample)
        {
            ReadOnlySpan<float> scores = outputs[_output].AsSpan<float>().Slice(item * _classes, _classes);
            int label = _dataset.GetLabel(sample);
            _top1.Add(scores, label);
            _top5?.Add(scores, label);
        }
    }

    private sealed class DetectionEvaluator : Evaluator
    {
        private readonly IDataset _dataset;
        private readonly List<(Node Head, string Output)> _heads = [];
        private readonly MeanAveragePrecision _map;
        private readonly float _thresh;
        private readonly float _nms;
        private readonly List<Detection> _detections = [];

        public DetectionEvaluator(Graph graph, IDataset dataset, string modelPath, float thresh, float nms)
        {
            _dataset = dataset;
            _thresh = thresh;
            _nms = nms;
            foreach (string output in graph.Outputs)
            {
                if (graph.FindProducer(output) is { OpType: "Yolo" or "Region" } head)
                {
                    _heads.Add((head, output));
                }
            }

            if (_heads.Count == 0)
            {
                throw new InputFormatException($"a detection dataset needs a model with Yolo or Region outputs; this one's outputs are {string.Join(", ", graph.Outputs)}") { FilePath = modelPath };
            }

            int classes = (int)_heads[0].Head.Attributes["classes"].AsInt();
            if (_heads.Any(h => h.Head.Attributes["classes"].AsInt() != classes))
            {
                throw new InputFormatException("the model's detection heads disagree on the number of classes") { FilePath = modelPath };
            }

            if (classes < dataset.ClassCount)
            {
                throw new InputFormatException($"the model detects {classes} classes, the dataset has {dataset.ClassCount}") { FieldPath = "--data" };
            }

            _map = new MeanAveragePrecision(classes);
        }

        public override IReadOnlyList<string> Outputs => [.. _heads.Select(h => h.Output)];

        public override IReadOnlyList<(string Name, double Value)> Results => [("mAP@0.5", _map.Value)];

        public override void Add(IReadOnlyDictionary<string, TensorData> outputs, int item, int sample)
        {
            _detections.Clear();
            foreach ((Node head, string output) in _heads)
            {
                DetectionDecoder.Decode(head, outputs[output], item, _dataset.Width, _dataset.Height, _thresh, _detections);
            }

            NonMaxSuppression.Apply(_detections, _nms);
            _map.Add(_detections, _dataset.GetBoxes(sample));
        }

        public override void WriteDetails(IAnsiConsole console)
        {
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("class");
            table.AddColumn(new TableColumn("truths").RightAligned());
            table.AddColumn(new TableColumn("AP@0.5").RightAligned());
            for (int c = 0; c < _map.ClassCount; c++)
            {
                if (_map.TruthCounts[c] == 0)
                {
                    continue;
                }

                string name = c < _dataset.ClassNames.Count ? _dataset.ClassNames[c] : c.ToString(CultureInfo.InvariantCulture);
                table.AddRow(Markup.Escape(name), _map.TruthCounts[c].ToString(CultureInfo.InvariantCulture), _map.PerClass[c].ToString("0.0000", CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }
    }
}
