using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Ir.Diagnostics;
using Converters.Pruning.Dependency;
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
        var command = new Command("ana", "Analyse a model for pruning: its groups of coupled channels.")
        {
            files,
            groups,
            json,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(files), parse.GetValue(groups), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, bool listGroups, string? jsonPath)
    {
        if (!listGroups)
        {
            throw new InputFormatException("say what to analyse: --groups lists the groups of coupled channels") { FieldPath = "ana" };
        }

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
