using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Cli.Pruning;
using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Pruning.Dependency;
using Converters.Pruning.Evaluation;
using Converters.Pruning.Planning;
using Converters.Pruning.Sensitivity;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters ana FILES... --groups [--json OUT]</c>: the model's pruning groups — which channels
/// must be pruned together, how many, where they go, and why a group is fixed.
/// </summary>
internal static class AnaCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files (e.g. yolov3.cfg yolov3.weights); the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var groups = new Option<bool>("--groups")
        {
            Description = "List the groups of coupled channels (producers, channels, equal parts, where they go, why fixed).",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the result as JSON to this file.",
            HelpName = "OUT",
        };
        var data = new Option<string?>("--data") { Description = "Dataset spec for the sensitivity analysis (test split measured, train split for BN recalibration).", HelpName = "SPEC" };
        var test = new Option<string?>("--test") { Description = "Test dataset spec (default: --data's test split).", HelpName = "SPEC" };
        var method = new Option<string>("--method") { Description = "Criterion choosing the channels pruned at each ratio: l1, l2, group-l1 or bn-gamma.", DefaultValueFactory = _ => "l1", HelpName = "NAME" };
        var testIter = new Option<int?>("--test-iter") { Description = "Batches of the test set each measurement uses (default: all).", HelpName = "N" };
        var batch = new Option<int>("--batch") { Description = "Batch size of measurements.", DefaultValueFactory = _ => 64, HelpName = "B" };
        var calib = new Option<int>("--calib-batches") { Description = "Batches the BN statistics are recalibrated on after pruning.", DefaultValueFactory = _ => 4, HelpName = "N" };
        var ignore = new Option<string[]>("--ignore") { Description = "Layers (node names, comma-separated) whose groups are not analysed.", AllowMultipleArgumentsPerToken = true, HelpName = "NAMES" };
        var workspace = new Option<string>("--workspace") { Description = "Folder of the cached, resumable sensitivity table and the report.", DefaultValueFactory = _ => "workspace", HelpName = "DIR" };
        var command = new Command("ana", "Analyse a model for pruning: its groups of coupled channels (--groups), or each group's sensitivity (--data): the metric with the group pruned alone at 10 … 90 %.")
        {
            files,
            groups,
            data,
            test,
            method,
            testIter,
            batch,
            calib,
            ignore,
            workspace,
            json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(groups))
            {
                return ListGroups(context, parse.GetRequiredValue(files), parse.GetValue(json));
            }

            string? spec = parse.GetValue(data) ?? throw new InputFormatException("say what to analyse: --groups lists the groups of coupled channels, --data SPEC measures their sensitivity") { FieldPath = "ana" };
            CommonOptions.RequirePositive(parse.GetValue(batch), "--batch");
            CommonOptions.RequirePositive(parse.GetValue(calib), "--calib-batches");
            CommonOptions.RequirePositive(parse.GetValue(testIter), "--test-iter");
            LoadedModel loaded = ModelLoader.Load(context.Plugins, parse.GetRequiredValue(files));
            Model model = loaded.Model;
            IReadOnlyList<PruningGroup> all = DependencyAnalysis.Analyze(model);
            IReadOnlySet<string> ignored = PruningInputs.Ignored(model, parse.GetValue(ignore) ?? []);
            string name = parse.GetValue(method)!;
            var builder = new PlanBuilder(all, PruningInputs.Scores(model, all, PruningInputs.Criterion(name), ignored), new PlanOptions { IgnoredLayers = ignored });
            var evaluator = new ModelEvaluator(PruningInputs.OpenTest(model, spec, parse.GetValue(test)), parse.GetValue(batch), parse.GetValue(testIter));
            SensitivityTable table = Analyse(context, model, all, builder, evaluator, PruningInputs.OpenTrain(model, spec), parse.GetValue(calib), name, spec, parse.GetValue(workspace)!, ModelHash.Compute(model));
            PrintTable(context.Output, table);
            if (parse.GetValue(json) is string jsonPath)
            {
                table.Save(jsonPath);
                context.Output.WriteLine($"wrote {jsonPath}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Runs (or resumes, or reuses) the sensitivity analysis of the candidate groups, cached in
    /// <c>WORKSPACE/sensitivity.json</c> by model hash and settings; writes <c>WORKSPACE/ana.md</c>.
    /// </summary>
    internal static SensitivityTable Analyse(CliContext context, Model model, IReadOnlyList<PruningGroup> groups, PlanBuilder builder, ModelEvaluator evaluator, IDataset calibration, int calibrationBatches, string method, string data, string workspace, string hash)
    {
        string settings = string.Create(CultureInfo.InvariantCulture, $"method={method}; data={data}; test={evaluator.Test.Description}; test_iter={evaluator.TestIterations?.ToString(CultureInfo.InvariantCulture) ?? "all"}; batch={evaluator.Batch}; calib_batches={calibrationBatches}; groups={string.Join(",", builder.Candidates.Select(g => g.Id))}");
        Directory.CreateDirectory(workspace);
        string path = Path.Combine(workspace, "sensitivity.json");
        SensitivityTable table = SensitivityTable.TryLoad(path, hash, settings) ?? new SensitivityTable(hash, settings, evaluator.MetricName);
        IReadOnlyList<PruningGroup> candidates = builder.Candidates;
        if (table.IsComplete(candidates.Select(g => g.Id)))
        {
            context.Output.WriteLine($"reusing the sensitivity analysis in {path}");
        }
        else
        {
            context.Output.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask("sensitivity", maxValue: 1 + (candidates.Count * table.Ratios.Count));
                    SensitivityAnalysis.Run(
                        table,
                        candidates,
                        () => evaluator.Evaluate(model),
                        (group, ratio) => PruningInputs.Measure(model, groups, builder.FromRatios(g => g.Id == group.Id ? ratio : 0), evaluator, calibration, calibrationBatches),
                        t => t.Save(path),
                        (done, total) => task.Value = done);
                });
            context.Output.WriteLine($"wrote {path}");
        }

        string report = Path.Combine(workspace, "ana.md");
        TextReport.Write(report, Markdown(table));
        context.Output.WriteLine($"wrote {report}");
        return table;
    }

    private static void PrintTable(IAnsiConsole console, SensitivityTable table)
    {
        var grid = new Table().Border(TableBorder.Simple);
        grid.AddColumn("group");
        foreach (double r in table.Ratios)
        {
            grid.AddColumn(new TableColumn(r.ToString("0%", CultureInfo.InvariantCulture)).RightAligned());
        }

        foreach (var (id, metrics) in table.Metrics)
        {
            grid.AddRow([new Text(id), .. metrics.Select(m => new Text(m?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"))]);
        }

        console.Write(grid);
        console.WriteLine(SensitivityAnalysis.Chart(table));
    }

    private static string Markdown(SensitivityTable table)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Sensitivity analysis").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{table.MetricName} of the model with one group pruned alone, after BN recalibration; baseline {table.Baseline:0.0000}. Settings: {table.Settings}").AppendLine();
        md.AppendLine("| group | " + string.Join(" | ", table.Ratios.Select(r => r.ToString("0%", CultureInfo.InvariantCulture))) + " |");
        md.AppendLine("|---|" + string.Concat(table.Ratios.Select(_ => "---:|")));
        foreach (var (id, metrics) in table.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {string.Join(" | ", metrics.Select(m => m?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"))} |");
        }

        md.AppendLine().AppendLine("```").AppendLine(SensitivityAnalysis.Chart(table)).AppendLine("```");
        return md.ToString();
    }

    private static int ListGroups(CliContext context, string[] paths, string? jsonPath)
    {
        LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(loaded.Model);
        IAnsiConsole console = context.Output;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("group");
        table.AddColumn(new TableColumn("channels").RightAligned());
        table.AddColumn(new TableColumn("parts").RightAligned());
        table.AddColumn("channels of → read by");
        table.AddColumn("fixed because");
        for (int i = 0; i < groups.Count; i++)
        {
            PruningGroup g = groups[i];
            table.AddRow(
                new Text(i.ToString(CultureInfo.InvariantCulture)),
                new Text(g.Id),
                new Text(g.ChannelCount.ToString(CultureInfo.InvariantCulture)),
                new Text(g.Segments.ToString(CultureInfo.InvariantCulture)),
                new Text(g.DisplayName),
                new Text(g.FixedReason ?? string.Empty));
        }

        console.Write(table);
        int prunable = groups.Count(g => g.IsPrunable);
        console.WriteLine($"groups: {groups.Count}, prunable {prunable}, fixed {groups.Count - prunable}; prunable channels {Numbers.Grouped(groups.Where(g => g.IsPrunable).Sum(g => (long)g.ChannelCount))}");
        if (jsonPath is not null)
        {
            JsonReport.Write(jsonPath, writer => WriteJson(writer, groups));
            console.WriteLine($"wrote {jsonPath}");
        }

        return ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter writer, IReadOnlyList<PruningGroup> groups)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("groups");
        foreach (PruningGroup g in groups)
        {
            writer.WriteStartObject();
            writer.WriteString("id", g.Id);
            writer.WriteNumber("channels", g.ChannelCount);
            writer.WriteNumber("segments", g.Segments);
            writer.WriteBoolean("prunable", g.IsPrunable);
            writer.WriteString("fixed_reason", g.FixedReason);
            writer.WriteString("description", g.DisplayName);
            writer.WriteStartArray("producers");
            foreach (string p in g.Producers)
            {
                writer.WriteStringValue(p);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("slots");
            foreach (ChannelSlot s in g.Slots)
            {
                writer.WriteStartObject();
                writer.WriteString("kind", s.Kind.ToString().ToLowerInvariant());
                writer.WriteString("node", s.NodeName);
                writer.WriteString("tensor", s.TensorName);
                writer.WriteNumber("axis", s.Axis);
                writer.WriteNumber("offset", s.Offset);
                writer.WriteNumber("block", s.Block);
                writer.WriteNumber("first", s.First);
                writer.WriteNumber("count", s.Count);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
