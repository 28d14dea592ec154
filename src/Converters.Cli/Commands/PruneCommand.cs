using System.CommandLine;
using System.Globalization;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Cli.Pruning;
using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Statistics;
using Converters.Pruning.Dependency;
using Converters.Pruning.Evaluation;
using Converters.Pruning.Planning;
using Converters.Pruning.Sensitivity;
using Converters.Pruning.Transform;
using Converters.Pruning.WeightPruning;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters prune FILES... (--rate R | --ratio R | --threshold T) [--method l1|l2|bn-gamma]
/// [--policy uniform|global|sensitivity] [--data SPEC] -o DIR</c>: makes a pruning plan and writes it
/// (<c>DIR/plan.json</c>) with a before/after table; <c>transform</c> applies it.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "The model's files; the format is detected.", Arity = ArgumentArity.ZeroOrMore };
        var config = new Option<string?>("--config") { Description = "Run the whole workflow from a YAML config (ana → prune → finetune rounds → workspace/final); see docs/pruning.md.", HelpName = "C.yaml" };
        var rate = new Option<double?>("--rate") { Description = "Fraction of MACs to remove (0..1), reached by a search over the policy's knob.", HelpName = "R" };
        var ratio = new Option<double?>("--ratio") { Description = "uniform: fraction of channels removed from every group; global: the threshold on score / group mean.", HelpName = "R" };
        var threshold = new Option<double?>("--threshold") { Description = "sensitivity: tolerated relative metric loss per group, each group pruned as far as its own curve allows (e.g. 0.01).", HelpName = "T" };
        var sparsity = new Option<double?>("--sparsity") { Description = "Unstructured magnitude pruning instead: the fraction of Conv/Gemm weights to zero (masks, same shapes); writes the masked model to -o.", HelpName = "S" };
        var perLayer = new Option<bool>("--per-layer") { Description = "With --sparsity: the same fraction in every layer instead of one global threshold." };
        var method = new Option<string>("--method") { Description = "Importance criterion: l1, l2, group-l1 or bn-gamma.", DefaultValueFactory = _ => "l1", HelpName = "NAME" };
        var policy = new Option<string>("--policy") { Description = "uniform, global or sensitivity (needs --data; runs or reuses ana's analysis).", DefaultValueFactory = _ => "uniform", HelpName = "NAME" };
        var data = new Option<string?>("--data") { Description = "Dataset spec: metric before/after (test split) and BN recalibration (train split).", HelpName = "SPEC" };
        var test = new Option<string?>("--test") { Description = "Test dataset spec (default: --data's test split).", HelpName = "SPEC" };
        var testIter = new Option<int?>("--test-iter") { Description = "Batches of the test set each measurement uses (default: all).", HelpName = "N" };
        var batch = new Option<int>("--batch") { Description = "Batch size of measurements.", DefaultValueFactory = _ => 64, HelpName = "B" };
        var calib = new Option<int>("--calib-batches") { Description = "Batches the BN statistics are recalibrated on after pruning.", DefaultValueFactory = _ => 4, HelpName = "N" };
        var divisible = new Option<int>("--channel-divisible") { Description = "Kept channel counts are multiples of N (8/16 for the accelerator).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var keepMinimum = new Option<int>("--keep-minimum") { Description = "Every group keeps at least N channels.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var ignore = new Option<string[]>("--ignore") { Description = "Layers (node names, comma-separated) whose groups stay whole.", AllowMultipleArgumentsPerToken = true, HelpName = "NAMES" };
        var workspace = new Option<string?>("--workspace") { Description = "Where ana's sensitivity table is cached (default: the output folder).", HelpName = "DIR" };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for plan.json and summary.md.", HelpName = "DIR" };
        var json = new Option<string?>("--json") { Description = "Also write the before/after summary as JSON.", HelpName = "OUT" };
        var command = new Command("prune", "Make a pruning plan: which channels of which groups go, by a criterion and a policy; prints the before/after table.")
        {
            files, config, rate, ratio, threshold, sparsity, perLayer, method, policy, data, test, testIter, batch, calib, divisible, keepMinimum, ignore, workspace, output, json,
        };
        command.SetAction(parse => parse.GetValue(config) is string yaml
            ? PruningWorkflow.Prune(context, yaml)
            : new PruneRun
        {
            Paths = parse.GetValue(files) is { Length: > 0 } paths ? paths : throw new InputFormatException("name the model's files, or give --config C.yaml") { FieldPath = "prune" },
            Rate = parse.GetValue(rate),
            Ratio = parse.GetValue(ratio),
            Threshold = parse.GetValue(threshold),
            Sparsity = parse.GetValue(sparsity),
            PerLayer = parse.GetValue(perLayer),
            Method = parse.GetValue(method)!,
            Policy = parse.GetValue(policy)!,
            Data = parse.GetValue(data),
            Test = parse.GetValue(test),
            TestIterations = parse.GetValue(testIter),
            Batch = parse.GetValue(batch),
            CalibrationBatches = parse.GetValue(calib),
            Options = new PlanOptions { ChannelDivisible = parse.GetValue(divisible), KeepMinimum = parse.GetValue(keepMinimum) },
            IgnoredNames = parse.GetValue(ignore) ?? [],
            Workspace = parse.GetValue(workspace),
            OutputDirectory = parse.GetValue(output) ?? throw new InputFormatException("give the output folder for plan.json") { FieldPath = "--output" },
            JsonPath = parse.GetValue(json),
        }.Execute(context));
        return command;
    }

    /// <summary>
    /// The policy's knob: a number that prunes more as it grows (uniform: the ratio; global: the
    /// threshold on score / group mean; sensitivity: the tolerated loss, or for a rate the share of
    /// the curves' cheapest steps taken).
    /// </summary>
    internal static Func<double, PruningPlan> Knob(CliContext context, Model model, IReadOnlyList<PruningGroup> groups, PlanBuilder builder, string policy, bool forRate, string method, string? data, ModelEvaluator? evaluator, IDataset? calibration, int calibrationBatches, string workspace, string hash)
    {
        switch (policy)
        {
            case "uniform":
                return r => builder.Uniform(r, hash);
            case "global":
                return t => builder.Global(t, hash);
            case "sensitivity":
                {
                    if (evaluator is null || calibration is null || data is null)
                    {
                        throw new InputFormatException("the sensitivity policy measures the model: give --data") { FieldPath = "--policy" };
                    }

                    SensitivityTable table = AnaCommand.Analyse(context, model, groups, builder, evaluator, calibration, calibrationBatches, method, data, workspace, hash);
                    if (!forRate)
                    {
                        return t => builder.FromRatios(g => table.RatioWithin(g.Id, t), hash);
                    }

                    // A rate is reached by taking the cheapest steps of the sensitivity curves first.
                    var steps = table.Steps(builder.Candidates.Select(g => g.Id));
                    return k =>
                    {
                        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
                        foreach (var (id, step) in steps.Take((int)Math.Round(k * steps.Count)))
                        {
                            ratios[id] = step;
                        }

                        return builder.FromRatios(g => ratios.GetValueOrDefault(g.Id), hash);
                    };
                }

            default:
                throw new InputFormatException($"unknown policy \"{policy}\" (expected uniform, global or sensitivity)") { FieldPath = "--policy" };
        }
    }

    private sealed record PruneRun
    {
        public required string[] Paths { get; init; }

        public double? Rate { get; init; }

        public double? Ratio { get; init; }

        public double? Threshold { get; init; }

        public double? Sparsity { get; init; }

        public bool PerLayer { get; init; }

        public required string Method { get; init; }

        public required string Policy { get; init; }

        public string? Data { get; init; }

        public string? Test { get; init; }

        public int? TestIterations { get; init; }

        public int Batch { get; init; }

        public int CalibrationBatches { get; init; }

        public required PlanOptions Options { get; init; }

        public required string[] IgnoredNames { get; init; }

        public string? Workspace { get; init; }

        public required string OutputDirectory { get; init; }

        public string? JsonPath { get; init; }

        public int Execute(CliContext context)
        {
            if (Sparsity is not null)
            {
                return Unstructured(context);
            }

            Validate();
            LoadedModel loaded = ModelLoader.Load(context.Plugins, Paths);
            Model model = loaded.Model;
            IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
            IReadOnlySet<string> ignored = PruningInputs.Ignored(model, IgnoredNames);
            var options = Options with { IgnoredLayers = ignored };
            Dictionary<string, float[]> scores = PruningInputs.Scores(model, groups, PruningInputs.Criterion(Method), ignored);
            var builder = new PlanBuilder(groups, scores, options);
            string hash = ModelHash.Compute(model);
            long baseMacs = ModelStatistics.Compute(model.Graph).TotalMacs;

            ModelEvaluator? evaluator = null;
            IDataset? calibration = null;
            if (Data is not null)
            {
                evaluator = new ModelEvaluator(PruningInputs.OpenTest(model, Data, Test), Batch, TestIterations);
                calibration = PruningInputs.OpenTrain(model, Data);
            }

            Func<double, PruningPlan> knob = Knob(context, model, groups, builder, Policy, Rate is not null, Method, Data, evaluator, calibration, CalibrationBatches, Workspace ?? OutputDirectory, hash);
            PruningPlan plan;
            if (Rate is double r)
            {
                (double low, double high) = Policy == "global" ? (0.0, 2.0) : (0.0, 1.0);
                (plan, double found, long macs) = PlanBuilder.SearchRate(r, knob, p => SlimTransform.Predict(model, groups, p).Macs, baseMacs, low, high);
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rate {r:0.###}: {Policy} knob {found:0.####} removes {1 - ((double)macs / baseMacs):P2} of the MACs"));
            }
            else
            {
                plan = knob(Ratio ?? Threshold ?? 0);
            }

            Model slim = SlimTransform.Apply(model, groups, plan);
            double? before = null, after = null;
            if (evaluator is not null)
            {
                before = evaluator.Evaluate(model);
                after = evaluator.Evaluate(BatchNormRecalibration.Recalibrate(slim, calibration!, CalibrationBatches, evaluator.Batch));
            }

            Directory.CreateDirectory(OutputDirectory);
            string planPath = Path.Combine(OutputDirectory, "plan.json");
            plan.Save(planPath);
            var summary = PruningSummary.Create(model, slim, evaluator?.MetricName, before, after);
            summary.Print(context.Output);
            summary.SaveMarkdown(Path.Combine(OutputDirectory, "summary.md"), $"converters prune {string.Join(" ", Paths)} ({Method}, {Policy})");
            context.Output.WriteLine($"wrote {planPath}");
            if (JsonPath is not null)
            {
                JsonReport.Write(JsonPath, summary.WriteJson);
                context.Output.WriteLine($"wrote {JsonPath}");
            }

            return ExitCodes.Success;
        }

        private int Unstructured(CliContext context)
        {
            double s = Sparsity!.Value;
            if (Rate is not null || Ratio is not null || Threshold is not null)
            {
                throw new InputFormatException("--sparsity (unstructured) does not combine with --rate, --ratio or --threshold (channel pruning)") { FieldPath = "--sparsity" };
            }

            if (!(s >= 0 && s < 1))
            {
                throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be a fraction of weights in [0, 1), got {s}")) { FieldPath = "--sparsity" };
            }

            LoadedModel loaded = ModelLoader.Load(context.Plugins, Paths);
            IReadOnlySet<string> ignored = PruningInputs.Ignored(loaded.Model, IgnoredNames);
            if (!loaded.Format.CanWrite)
            {
                throw new InputFormatException($"the {loaded.Format.Name} plugin reads but does not write") { FilePath = Paths[0] };
            }

            WeightPruningResult result = MagnitudePruning.Apply(loaded.Model, s, global: !PerLayer, ignored);
            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in new[] { "layer", "weights", "zeros", "sparsity", "bitmap+values bytes" })
            {
                table.AddColumn(column == "layer" ? new TableColumn(column) : new TableColumn(column).RightAligned());
            }

            foreach (LayerSparsity layer in result.Layers)
            {
                table.AddRow(layer.Node, Numbers.Grouped(layer.Count), Numbers.Grouped(layer.Zeros), PruningInputs.Percent(layer.Sparsity), Numbers.Grouped(layer.CompressedBytes));
            }

            context.Output.Write(table);
            context.Output.WriteLine($"sparsity {PruningInputs.Percent(result.Sparsity)} ({(PerLayer ? "per layer" : "global threshold")}); weights {Numbers.Grouped(result.DenseBytes)} bytes dense → {Numbers.Grouped(result.CompressedBytes)} bytes as bitmap + nonzero values");
            IReadOnlyList<string> written;
            try
            {
                written = loaded.Format.Write(result.Model, OutputDirectory, loaded.Files[0].BaseName, FormatOptions.Empty);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputException($"{OutputDirectory}: cannot write the {loaded.Format.Name} files: {ex.Message}", ex);
            }

            foreach (string file in written)
            {
                context.Output.WriteLine($"wrote {file}");
            }

            return ExitCodes.Success;
        }

        private void Validate()
        {
            int given = (Rate is null ? 0 : 1) + (Ratio is null ? 0 : 1) + (Threshold is null ? 0 : 1);
            if (given != 1)
            {
                throw new InputFormatException("give exactly one of --rate (fraction of MACs), --ratio (uniform/global) or --threshold (sensitivity)") { FieldPath = "--rate" };
            }

            if (Rate is double r && !(r > 0 && r < 1))
            {
                throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be a fraction of MACs between 0 and 1, got {r}")) { FieldPath = "--rate" };
            }

            if (Ratio is double q && !(q >= 0 && (Policy == "global" || q < 1)))
            {
                throw new InputFormatException(string.Create(CultureInfo.InvariantCulture, $"must be in [0, 1), got {q}")) { FieldPath = "--ratio" };
            }

            if (Threshold is double t && (!(t >= 0) || Policy != "sensitivity"))
            {
                throw new InputFormatException("a metric-loss threshold goes with --policy sensitivity and must not be negative") { FieldPath = "--threshold" };
            }

            if (Ratio is not null && Policy == "sensitivity")
            {
                throw new InputFormatException("the sensitivity policy takes --threshold or --rate, not --ratio") { FieldPath = "--ratio" };
            }

            CommonOptions.RequirePositive(Batch, "--batch");
            CommonOptions.RequirePositive(CalibrationBatches, "--calib-batches");
            CommonOptions.RequirePositive(TestIterations, "--test-iter");
            CommonOptions.RequirePositive(Options.ChannelDivisible, "--channel-divisible");
            CommonOptions.RequirePositive(Options.KeepMinimum, "--keep-minimum");
        }
    }
}
