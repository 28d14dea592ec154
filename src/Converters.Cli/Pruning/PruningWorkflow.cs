using System.Globalization;
using Converters.Abstractions;
using Converters.Cli.Commands;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Engine.Training.Solver;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Statistics;
using Converters.Pruning.Configuration;
using Converters.Pruning.Dependency;
using Converters.Pruning.Evaluation;
using Converters.Pruning.Planning;
using Converters.Pruning.Sensitivity;
using Converters.Pruning.Transform;
using Spectre.Console;

namespace Converters.Cli.Pruning;

/// <summary>
/// <c>prune --config C.yaml</c> and <c>transform --config C.yaml</c>. With data: rounds of
/// analyse → prune → BN recalibration → finetune, the removed MACs growing to <c>rate</c> over
/// <c>rounds</c>, each round kept in <c>workspace/round_k/</c>, stopping when the metric falls more
/// than <c>metric_drop_limit</c> below the unpruned model's; the last good round is written to
/// <c>workspace/final/</c> in the source format (and <c>to</c>). Without data: one data-free plan in
/// <c>workspace/plan.json</c>, which <c>transform --config</c> applies into <c>workspace/final/</c>.
/// </summary>
internal static class PruningWorkflow
{
    public static int Prune(CliContext context, string configPath)
    {
        PruningConfig config = PruningConfig.Load(configPath);
        LoadedModel loaded = ModelLoader.Load(context.Plugins, [.. config.ModelFiles]);
        IModelFormat[] formats = Formats(context, loaded, config);
        Model model = loaded.Model;
        if (config.Data is null)
        {
            return DataFree(context, config, model);
        }

        IDataset test = PruningInputs.OpenTest(model, config.Data, config.Test);
        IDataset train = PruningInputs.OpenTrain(model, config.Data);
        var evaluator = new ModelEvaluator(test, config.Batch, config.TestIterations);
        double baseline = evaluator.Evaluate(model);
        long baseMacs = ModelStatistics.Compute(model.Graph).TotalMacs;
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unpruned: {evaluator.MetricName} {baseline:0.0000} on {evaluator.Test.Description}, {Numbers.Grouped(baseMacs)} MACs; {config.Rounds} round(s) to {config.Rate:0.###} of the MACs removed, {config.FinetuneEpochs} finetune epoch(s) each, stop below {baseline - config.MetricDropLimit:0.0000}"));

        var rounds = new Table().Border(TableBorder.Simple);
        foreach (string column in new[] { "round", "MACs removed", "params", $"{evaluator.MetricName} pruned", $"{evaluator.MetricName} finetuned", "kept" })
        {
            rounds.AddColumn(new TableColumn(column).RightAligned());
        }

        Model accepted = model;
        double acceptedMetric = baseline;
        string name = loaded.Files[0].BaseName;
        for (int k = 1; k <= (config.Threshold is null ? config.Rounds : 1); k++)
        {
            long currentMacs = ModelStatistics.Compute(accepted.Graph).TotalMacs;
            IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(accepted);
            IReadOnlySet<string> ignored = PruningInputs.Ignored(accepted, [.. config.IgnoredLayers]);
            var builder = new PlanBuilder(groups, PruningInputs.Scores(accepted, groups, PruningInputs.Criterion(config.Method, "pruner.method"), ignored), new PlanOptions
            {
                ChannelDivisible = config.ChannelDivisible,
                KeepMinimum = config.KeepMinimum,
                IgnoredLayers = ignored,
            });
            string roundFolder = Path.Combine(config.Workspace, string.Create(CultureInfo.InvariantCulture, $"round_{k}"));
            Func<double, PruningPlan> knob = PruneCommand.Knob(context, accepted, groups, builder, config.Policy, config.Rate is not null, config.Method, config.Data, evaluator, train, config.CalibrationBatches, roundFolder, ModelHash.Compute(accepted));
            PruningPlan plan;
            if (config.Rate is double rate)
            {
                double remaining = baseMacs * (1 - (rate * k / config.Rounds));
                double relative = 1 - (remaining / currentMacs);
                if (relative <= 0)
                {
                    continue;
                }

                (plan, _, _) = PlanBuilder.SearchRate(Math.Min(relative, 0.999), knob, p => SlimTransform.Predict(accepted, groups, p).Macs, currentMacs, 0, config.Policy == "global" ? 2 : 1);
            }
            else
            {
                plan = knob(config.Threshold!.Value);
            }

            Model slim = BatchNormRecalibration.Recalibrate(SlimTransform.Apply(accepted, groups, plan), train, config.CalibrationBatches, config.Batch, (int)config.Seed);
            double pruned = evaluator.Evaluate(slim);
            Model finetuned = Finetune(context, slim, train, config, k, config.Distillation ? model : null);
            double metric = config.FinetuneEpochs > 0 ? evaluator.Evaluate(finetuned) : pruned;
            Write(context, formats[..1], finetuned, roundFolder, name);
            plan.Save(Path.Combine(roundFolder, "plan.json"));
            ModelStatistics stats = ModelStatistics.Compute(finetuned.Graph);
            bool kept = baseline - metric <= config.MetricDropLimit;
            rounds.AddRow(
                k.ToString(CultureInfo.InvariantCulture),
                PruningInputs.Percent(1 - ((double)stats.TotalMacs / baseMacs)),
                Numbers.Grouped(stats.TotalParameters),
                pruned.ToString("0.0000", CultureInfo.InvariantCulture),
                metric.ToString("0.0000", CultureInfo.InvariantCulture),
                kept ? "yes" : "no: metric dropped too far");
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {k}: {1 - ((double)stats.TotalMacs / baseMacs):P1} of the MACs removed, {evaluator.MetricName} {pruned:0.0000} pruned, {metric:0.0000} finetuned{(kept ? string.Empty : " — beyond metric_drop_limit, stopping")}"));
            if (!kept)
            {
                break;
            }

            (accepted, acceptedMetric) = (finetuned, metric);
        }

        context.Output.Write(rounds);
        string final = Path.Combine(config.Workspace, "final");
        Write(context, formats, accepted, final, name);
        PruningSummary summary = PruningSummary.Create(model, accepted, evaluator.MetricName, baseline, acceptedMetric, "after pruning and finetuning");
        summary.Print(context.Output);
        summary.SaveMarkdown(Path.Combine(final, "summary.md"), $"converters prune --config {Path.GetFileName(configPath)}");
        return ExitCodes.Success;
    }

    /// <summary><c>transform --config</c>: applies the data-free plan <c>prune --config</c> left in the workspace.</summary>
    public static int Transform(CliContext context, string configPath)
    {
        PruningConfig config = PruningConfig.Load(configPath);
        string planPath = Path.Combine(config.Workspace, "plan.json");
        if (!File.Exists(planPath))
        {
            throw new InputFormatException($"no plan in the workspace ({planPath}): run 'converters prune --config {configPath}' first") { FilePath = configPath, FieldPath = "workspace" };
        }

        LoadedModel loaded = ModelLoader.Load(context.Plugins, [.. config.ModelFiles]);
        IModelFormat[] formats = Formats(context, loaded, config);
        PruningPlan plan = PruningPlan.Load(planPath);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(loaded.Model);
        if (plan.ModelHash is string hash && hash != ModelHash.Compute(loaded.Model))
        {
            throw new PruningPlanException("the plan was made for another model (its 'model' hash differs): run prune --config again") { FilePath = planPath, FieldPath = "model" };
        }

        plan.Validate(groups, planPath);
        Model slim = SlimTransform.Apply(loaded.Model, groups, plan);
        PruningSummary.Create(loaded.Model, slim, null, null, null).Print(context.Output);
        Write(context, formats, slim, Path.Combine(config.Workspace, "final"), loaded.Files[0].BaseName);
        return ExitCodes.Success;
    }

    private static int DataFree(CliContext context, PruningConfig config, Model model)
    {
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        IReadOnlySet<string> ignored = PruningInputs.Ignored(model, [.. config.IgnoredLayers]);
        var builder = new PlanBuilder(groups, PruningInputs.Scores(model, groups, PruningInputs.Criterion(config.Method, "pruner.method"), ignored), new PlanOptions
        {
            ChannelDivisible = config.ChannelDivisible,
            KeepMinimum = config.KeepMinimum,
            IgnoredLayers = ignored,
        });
        string hash = ModelHash.Compute(model);
        Func<double, PruningPlan> knob = PruneCommand.Knob(context, model, groups, builder, config.Policy, true, config.Method, null, null, null, config.CalibrationBatches, config.Workspace, hash);
        long baseMacs = ModelStatistics.Compute(model.Graph).TotalMacs;
        (PruningPlan plan, _, _) = PlanBuilder.SearchRate(config.Rate!.Value, knob, p => SlimTransform.Predict(model, groups, p).Macs, baseMacs, 0, config.Policy == "global" ? 2 : 1);
        Directory.CreateDirectory(config.Workspace);
        string planPath = Path.Combine(config.Workspace, "plan.json");
        plan.Save(planPath);
        PruningSummary.Create(model, SlimTransform.Apply(model, groups, plan), null, null, null).Print(context.Output);
        context.Output.WriteLine($"wrote {planPath} (no data: one round by {config.Method}; 'converters transform --config' writes the slim model to {Path.Combine(config.Workspace, "final")})");
        return ExitCodes.Success;
    }

    private static Model Finetune(CliContext context, Model model, IDataset train, PruningConfig config, int round, Model? teacher)
    {
        if (config.FinetuneEpochs == 0)
        {
            return model;
        }

        int perEpoch = Math.Max(1, train.Count / config.Batch);
        var defaults = new SolverSettings { BaseLearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 5e-4f, Policy = LearningRatePolicy.Cosine };
        SolverSettings solver = config.Solver is null ? defaults : SolverSettings.Load(config.Solver, defaults);
        solver = solver with { BaseLearningRate = solver.BaseLearningRate ?? 0.01f, MaxIterations = config.FinetuneEpochs * perEpoch };
        var trainer = new Trainer(model, train, null, solver.CreateOptimizer(), solver.CreateSchedule(), new TrainerOptions { Batch = Math.Min(config.Batch, train.Count), Seed = config.Seed, Teacher = teacher });
        for (int epoch = 1; epoch <= config.FinetuneEpochs; epoch++)
        {
            EpochRecord record = null!;
            context.Output.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask($"round {round} finetune {epoch}/{config.FinetuneEpochs}", maxValue: perEpoch);
                    record = trainer.RunEpoch(epoch, p =>
                    {
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"round {round} finetune {epoch}/{config.FinetuneEpochs} loss {p.Loss:0.0000} {p.ImagesPerSecond:0} img/s");
                        task.Value = p.Batch;
                    });
                });
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  finetune epoch {epoch}: {record.Seconds:0.0} s, loss {record.Loss:0.0000}, train {record.TrainMetric:0.0000}"));
        }

        return trainer.ToModel();
    }

    private static IModelFormat[] Formats(CliContext context, LoadedModel loaded, PruningConfig config)
    {
        var formats = new List<IModelFormat> { loaded.Format };
        foreach (string name in config.To)
        {
            IModelFormat format = context.Plugins.FindFormat(name) ?? throw new PruningConfigException($"no plugin writes \"{name}\"") { FilePath = config.FilePath, FieldPath = "to" };
            if (!formats.Contains(format))
            {
                formats.Add(format);
            }
        }

        IModelFormat? readOnly = formats.FirstOrDefault(f => !f.CanWrite);
        return readOnly is null ? [.. formats] : throw new PruningConfigException($"the {readOnly.Name} plugin does not write") { FilePath = config.FilePath, FieldPath = "to" };
    }

    private static void Write(CliContext context, IModelFormat[] formats, Model model, string folder, string name)
    {
        foreach (IModelFormat format in formats)
        {
            try
            {
                foreach (string file in format.Write(model, folder, name, FormatOptions.Empty))
                {
                    context.Output.WriteLine($"wrote {file}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputException($"{folder}: cannot write the {format.Name} files: {ex.Message}", ex);
            }
        }
    }
}
