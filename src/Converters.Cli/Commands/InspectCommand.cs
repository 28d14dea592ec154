using System.CommandLine;
using System.Text.Json;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Ir;
using Converters.Ir.Statistics;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary><c>converters inspect FILES... [--json OUT]</c>: the layer table and totals of a model.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files (e.g. yolov3.cfg yolov3.weights); the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the table and totals as JSON to this file.",
            HelpName = "OUT",
        };
        var command = new Command("inspect", "Print a model's layers (index, name, op, input and output shapes, parameters, MACs) and totals.")
        {
            files,
            json,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(files), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string? jsonPath)
    {
        LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
        Graph graph = loaded.Model.Graph;
        ModelStatistics stats = ModelStatistics.Compute(graph);

        IAnsiConsole console = context.Output;
        console.WriteLine($"{string.Join(" ", paths)}: {loaded.Format.DisplayName}");
        foreach (ValueInfo input in graph.Inputs)
        {
            console.WriteLine($"  input  {input}");
        }

        foreach (string output in graph.Outputs)
        {
            console.WriteLine($"  output {graph.FindValue(output)}");
        }

        // Formats whose layers expand to several IR nodes mark each node with its source layer.
        bool hasLayers = stats.Nodes.Any(n => SourceLayer(n.Node) is not null);
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("#").RightAligned());
        if (hasLayers)
        {
            table.AddColumn(new TableColumn("layer").RightAligned());
        }

        table.AddColumn("name");
        table.AddColumn("op");
        table.AddColumn("input");
        table.AddColumn("output");
        table.AddColumn(new TableColumn("params").RightAligned());
        table.AddColumn(new TableColumn("MACs").RightAligned());
        foreach (NodeStatistics row in stats.Nodes)
        {
            var cells = new List<Text> { new(row.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            if (hasLayers)
            {
                cells.Add(new Text(SourceLayer(row.Node)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            }

            cells.AddRange(
            [
                new Text(row.Node.Name),
                new Text(row.Node.OpType),
                new Text(string.Join(", ", row.InputShapes)),
                new Text(string.Join(", ", row.OutputShapes)),
                new Text(Numbers.Grouped(row.Parameters)),
                new Text(Numbers.Grouped(row.Macs)),
            ]);
            table.AddRow(cells);
        }

        console.Write(table);
        int sourceLayers = SourceLayerCount(stats);
        console.WriteLine(hasLayers ? $"layers: {sourceLayers} ({stats.Nodes.Count} IR nodes)" : $"layers: {stats.Nodes.Count}");
        console.WriteLine($"params: {Numbers.Grouped(stats.TotalParameters)} trainable, {Numbers.Grouped(stats.TotalStoredValues)} stored values");
        console.WriteLine($"MACs:   {Numbers.Grouped(stats.TotalMacs)} ({Numbers.Short(stats.TotalMacs * 2)}FLOPs)");

        if (jsonPath is not null)
        {
            JsonReport.Write(jsonPath, writer => WriteJson(writer, loaded, stats));
            console.WriteLine($"wrote {jsonPath}");
        }

        return ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter writer, LoadedModel loaded, ModelStatistics stats)
    {
        Graph graph = loaded.Model.Graph;
        writer.WriteStartObject();
        writer.WriteStartArray("files");
        foreach (ModelFile file in loaded.Files)
        {
            writer.WriteStringValue(file.Path);
        }

        writer.WriteEndArray();
        writer.WriteString("format", loaded.Format.Name);
        writer.WriteStartArray("inputs");
        foreach (ValueInfo input in graph.Inputs)
        {
            WriteValue(writer, input);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("outputs");
        foreach (string output in graph.Outputs)
        {
            WriteValue(writer, graph.FindValue(output)!);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("layers");
        foreach (NodeStatistics row in stats.Nodes)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", row.Index);
            writer.WriteString("name", row.Node.Name);
            writer.WriteString("op", row.Node.OpType);
            if (SourceLayer(row.Node) is long layer)
            {
                writer.WriteNumber("source_layer", layer);
            }

            WriteShapes(writer, "inputs", row.InputShapes);
            WriteShapes(writer, "outputs", row.OutputShapes);
            writer.WriteNumber("params", row.Parameters);
            writer.WriteNumber("stored_values", row.StoredValues);
            writer.WriteNumber("macs", row.Macs);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("source_layers", SourceLayerCount(stats));
        writer.WriteNumber("params", stats.TotalParameters);
        writer.WriteNumber("stored_values", stats.TotalStoredValues);
        writer.WriteNumber("macs", stats.TotalMacs);
        writer.WriteEndObject();
    }

    private static long? SourceLayer(Node node) =>
        node.Metadata.TryGetValue(MetadataKeys.SourceLayer, out AttributeValue? v) && v.Kind == AttributeKind.Int ? v.AsInt() : null;

    /// <summary>Distinct source layers; a node without one counts as its own layer.</summary>
    private static int SourceLayerCount(ModelStatistics stats) =>
        stats.Nodes.Select(n => SourceLayer(n.Node) is long l ? $"L{l}" : $"N{n.Index}").Distinct().Count();

    private static void WriteValue(Utf8JsonWriter writer, ValueInfo value)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteString("dtype", DataTypeInfo.Name(value.DataType));
        WriteShapes(writer, "shape", [value.Shape], single: true);
        writer.WriteEndObject();
    }

    private static void WriteShapes(Utf8JsonWriter writer, string property, IReadOnlyList<TensorShape> shapes, bool single = false)
    {
        writer.WriteStartArray(property);
        foreach (TensorShape shape in shapes)
        {
            if (!single)
            {
                writer.WriteStartArray();
            }

            foreach (int d in shape.Dimensions)
            {
                writer.WriteNumberValue(d);
            }

            if (!single)
            {
                writer.WriteEndArray();
            }
        }

        writer.WriteEndArray();
    }
}
