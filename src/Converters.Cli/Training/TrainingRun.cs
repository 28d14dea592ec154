using System.Globalization;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Engine.Training.Solver;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Spectre.Console;

namespace Converters.Cli.Training;

/// <summary>
/// What <c>train</c> and <c>finetune</c> share: load the model (and the teacher), settle the solver
/// (a solver file, else the model's own Darknet <c>[net]</c> keys, else defaults), open the train and
/// test splits, train with a progress bar, write a checkpoint in the model's format after every
/// epoch and the final model at the end, and report one record per epoch.
/// </summary>
internal sealed record TrainingRun
{
    /// <summary>The model's files.</summary>
    public required string[] ModelPaths { get; init; }

    /// <summary>The training data spec.</summary>
    public required string Data { get; init; }

    /// <summary>The test data spec; null: the same spec's test split.</summary>
    public string? Test { get; init; }

    /// <summary>Epochs; null: the solver's.</summary>
    public int? Epochs { get; init; }

    /// <summary>Batch; null: the solver's, else 64.</summary>
    public int? Batch { get; init; }

    /// <summary>A solver file (YAML with Caffe or Darknet field names).</summary>
    public string? SolverPath { get; init; }

    /// <summary>Threads.</summary>
    public int? Threads { get; init; }

    /// <summary>Seed of the initialisation, shuffles and dropout.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The folder the trained model is written to.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The folder per-epoch checkpoints go to (under <c>checkpoints/epoch-N</c>); null: the output folder.</summary>
    public string? Workspace { get; init; }

    /// <summary>Base name of the written files; null: the first model file's.</summary>
    public string? Name { get; init; }

    /// <summary>A JSON file for the per-epoch records.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The teacher's files for distillation.</summary>
    public string[] TeacherPaths { get; init; } = [];

    /// <summary>The weight of the batch statistics in the BN running averages.</summary>
    public float BatchNormMomentum { get; init; } = 0.1f;

    /// <summary>λ of the L1 penalty on BN scales.</summary>
    public float Sparsity { get; init; }

    /// <summary>True for <c>train</c>: all-zero weights are initialised at random; false for <c>finetune</c>: the model must carry weights.</summary>
    public bool FromScratch { get; init; }

    public int Execute(CliContext context)
    {
        CommonOptions.RequirePositive(Epochs, "--epochs");
        CommonOptions.RequirePositive(Batch, "--batch");
        CommonOptions.RequirePositive(Threads, "--threads");
        if (!(Sparsity >= 0 && float.IsFinite(Sparsity)))
        {
            throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be a non-negative number, got {Sparsity}")) { FieldPath = "--sparsity" };
        }

        if (!(BatchNormMomentum is > 0f and <= 1f))
        {
            throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be in (0, 1], got {BatchNormMomentum}")) { FieldPath = "--bn-momentum" };
        }

        LoadedModel loaded = ModelLoader.Load(context.Plugins, ModelPaths);
        if (!loaded.Format.CanWrite)
        {
            throw new InputFormatException($"the {loaded.Format.Name} plugin reads but does not write, so the trained model could not be saved") { FilePath = ModelPaths[0] };
        }

        Model model = loaded.Model;
        string name = string.IsNullOrWhiteSpace(Name) ? loaded.Files[0].BaseName : Name;
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new OutputException($"--name {name}: not a valid file name");
        }

        SolverSettings solver = LoadSolver(model);
        int threads = Threads ?? Environment.ProcessorCount;
        if (FromScratch)
        {
            IReadOnlyList<string> initialised = WeightInitializer.InitializeZeroTensors(model, Seed);
            if (initialised.Count > 0)
            {
                context.Output.WriteLine($"initialised {initialised.Count} all-zero tensors at random (seed {Seed})");
            }
        }
        else if (!HasWeights(model))
        {
            throw new InputFormatException("finetune needs a model with trained weights; its weight tensors are all zero (use 'converters train' to start from scratch)") { FilePath = ModelPaths[0] };
        }

        Model? teacher = null;
        if (TeacherPaths.Length > 0)
        {
            teacher = ModelLoader.Load(context.Plugins, TeacherPaths).Model;
        }

        TensorShape input = model.Graph.Inputs.Count == 1 && model.Graph.Inputs[0].Shape.Rank == 4
            ? model.Graph.Inputs[0].Shape
            : throw new InputFormatException($"training needs a model with one NCHW image input; this one has {string.Join(", ", model.Graph.Inputs.Select(i => $"{i.Name} {i.Shape}"))}") { FilePath = ModelPaths[0] };
        (string trainSpec, string testSpec) = Test is null ? DatasetSpec.TrainTestSplits(Data) : (Data, Test);
        var open = new DatasetOpenOptions { Channels = input[1], Height = input[2], Width = input[3], BaseDirectory = Directory.GetCurrentDirectory() };
        IDataset train = OpenData(trainSpec, open, "--data");
        IDataset test = OpenData(testSpec, open, Test is null ? "--data" : "--test");

        int batch = Batch ?? solver.Batch ?? 64;
        if (batch > train.Count)
        {
            throw new InputFormatException($"the training split has {train.Count} samples, fewer than one batch of {batch}") { FieldPath = Batch is null ? "--data" : "--batch" };
        }

        int perEpoch = train.Count / batch;
        int epochs = Epochs ?? solver.Epochs ?? (solver.MaxIterations is int max ? Math.Max(1, (max + perEpoch - 1) / perEpoch) : 1);
        solver = solver with
        {
            BaseLearningRate = solver.BaseLearningRate ?? DefaultLearningRate,
            MaxIterations = solver.MaxIterations ?? (epochs * perEpoch),
        };
        var trainer = new Trainer(model, train, test, solver.CreateOptimizer(), solver.CreateSchedule(), new TrainerOptions
        {
            Batch = batch,
            MaxThreads = threads,
            Seed = Seed,
            Sparsity = Sparsity,
            BatchNormMomentum = BatchNormMomentum,
            ClipNorm = solver.ClipGradientNorm > 0 ? solver.ClipGradientNorm : null,
            ClipValue = solver.ClipGradientValue > 0 ? solver.ClipGradientValue : null,
            Teacher = teacher,
        });

        context.Output.WriteLine($"{Path.GetFileName(ModelPaths[0])}: {trainer.Session.Parameters.Count} trainable tensors, {trainer.Session.Parameters.Sum(p => (long)p.Value.Length).ToString("N0", CultureInfo.InvariantCulture)} values; loss on {string.Join(", ", trainer.LossValues.Select(v => $"'{v}'"))}");
        context.Output.WriteLine($"train: {train.Description}; test: {test.Description}; batch {batch}, {epochs} epochs, {threads} threads; {Describe(solver)}");

        string workspace = Workspace ?? OutputDirectory;
        var records = new List<EpochRecord>();
        var table = new Table().Border(TableBorder.Simple);
        string trainMetric = trainer.MetricName == "top1" ? "top1" : "recall@0.5";
        foreach (string column in new[] { "epoch", "seconds", "images/s", "loss", $"train {trainMetric}", $"test {trainer.MetricName}", "lr" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            EpochRecord record = null!;
            context.Output.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask($"epoch {epoch}/{epochs}", maxValue: train.Count / batch);
                    record = trainer.RunEpoch(epoch, p =>
                    {
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs} loss {p.Loss:0.0000} {trainMetric} {p.Metric:0.000} {p.ImagesPerSecond:0} img/s");
                        task.Value = p.Batch;
                    });
                });
            records.Add(record);
            string line = string.Create(CultureInfo.InvariantCulture, $"epoch {record.Epoch}: {record.Seconds:0.00} s, loss {record.Loss:0.0000}, train {trainMetric} {record.TrainMetric:0.0000}, test {record.MetricName} {record.Metric:0.0000}, lr {record.LearningRate:G4}");
            context.Output.WriteLine(line);
            table.AddRow(
                record.Epoch.ToString(CultureInfo.InvariantCulture),
                record.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
                (record.Images / record.Seconds).ToString("0", CultureInfo.InvariantCulture),
                record.Loss.ToString("0.0000", CultureInfo.InvariantCulture),
                record.TrainMetric.ToString("0.0000", CultureInfo.InvariantCulture),
                record.Metric?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",
                record.LearningRate.ToString("G4", CultureInfo.InvariantCulture));
            Write(loaded.Format, trainer.ToModel(), Path.Combine(workspace, "checkpoints", $"epoch-{epoch}"), name, context, quiet: true);
            if (JsonPath is not null)
            {
                WriteJson(JsonPath, records, trainSpec, testSpec);
            }
        }

        context.Output.Write(table);
        Write(loaded.Format, trainer.ToModel(), OutputDirectory, name, context, quiet: false);
        if (JsonPath is not null)
        {
            context.Output.WriteLine($"wrote {JsonPath}");
        }

        return ExitCodes.Success;
    }

    /// <summary>The learning rate when neither the solver file nor the model names one.</summary>
    private const float DefaultLearningRate = 0.01f;

    /// <summary>
    /// The solver: the model's own Darknet <c>[net]</c> training keys when it has them, else SGD with
    /// momentum 0.9 and weight decay 5e-4; a solver file overrides what it sets.
    /// </summary>
    private SolverSettings LoadSolver(Model model)
    {
        var defaults = new SolverSettings { Momentum = 0.9f, WeightDecay = 5e-4f };
        if (model.Metadata.TryGetValue("darknet.net.keys", out AttributeValue? keys) && keys.Kind == AttributeKind.Strings)
        {
            var net = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string entry in keys.AsStrings())
            {
                int eq = entry.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    net.TryAdd(entry[..eq], entry[(eq + 1)..]);
                }
            }

            defaults = SolverSettings.FromDarknetNet(net);
        }

        return SolverPath is null ? defaults : SolverSettings.Load(SolverPath, defaults);
    }

    private static string Describe(SolverSettings s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.Optimizer} lr {s.BaseLearningRate} ({s.Policy}{(s.BurnIn > 0 ? $", burn-in {s.BurnIn}" : "")}), momentum {s.Momentum}, weight decay {s.WeightDecay}, {s.MaxIterations} steps");

    private static bool HasWeights(Model model) =>
        model.Graph.Nodes.Where(n => n.OpType is "Conv" or "Gemm" or "ConvTranspose" && n.Inputs.Count > 1)
            .Select(n => model.Graph.Initializers.GetValueOrDefault(n.Inputs[1]))
            .Any(t => t is { DataType: DataType.Float32 } && t.AsSpan<float>().ContainsAnyExcept(0f));

    private static IDataset OpenData(string spec, DatasetOpenOptions options, string option)
    {
        IDataset data = DatasetSpec.Open(spec, options);
        if (data.Count == 0)
        {
            throw new InputFormatException($"dataset \"{spec}\" has no samples") { FieldPath = option };
        }

        if (data.Channels != options.Channels)
        {
            throw new InputFormatException($"the dataset gives {data.Channels}-channel images, the model takes {options.Channels} channels (add channels={options.Channels} to the spec)") { FieldPath = option };
        }

        return data;
    }

    private static void Write(IModelFormat format, Model model, string folder, string name, CliContext context, bool quiet)
    {
        IReadOnlyList<string> written;
        try
        {
            written = format.Write(model, folder, name, FormatOptions.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{folder}: cannot write the {format.Name} files: {ex.Message}", ex);
        }

        if (!quiet)
        {
            foreach (string file in written)
            {
                context.Output.WriteLine($"wrote {file} ({new FileInfo(file).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
            }
        }
    }

    private static void WriteJson(string path, List<EpochRecord> records, string train, string test) => JsonReport.Write(path, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("train", train);
        writer.WriteString("test", test);
        writer.WriteStartArray("epochs");
        foreach (EpochRecord r in records)
        {
            writer.WriteStartObject();
            writer.WriteNumber("epoch", r.Epoch);
            writer.WriteNumber("seconds", r.Seconds);
            writer.WriteNumber("loss", r.Loss);
            writer.WriteString("metric_name", r.MetricName);
            if (r.Metric is double m)
            {
                writer.WriteNumber("metric", m);
            }
            else
            {
                writer.WriteNull("metric");
            }

            writer.WriteNumber("train_metric", r.TrainMetric);
            writer.WriteNumber("learning_rate", r.LearningRate);
            writer.WriteNumber("images", r.Images);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
