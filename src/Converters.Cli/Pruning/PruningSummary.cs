using System.Globalization;
using System.Text;
using System.Text.Json;
using Converters.Cli.Output;
using Converters.Ir;
using Converters.Ir.Statistics;
using Spectre.Console;

namespace Converters.Cli.Pruning;

/// <summary>The before/after table of a plan: per layer channels, parameters and MACs; totals; the metric.</summary>
internal sealed class PruningSummary
{
    private PruningSummary(List<Row> rows, ModelStatistics before, ModelStatistics after, string? metricName, double? metricBefore, double? metricAfter, string note)
    {
        Note = note;
        Rows = rows;
        Before = before;
        After = after;
        MetricName = metricName;
        MetricBefore = metricBefore;
        MetricAfter = metricAfter;
    }

    public List<Row> Rows { get; }

    /// <summary>What the metric after pruning was measured after.</summary>
    public string Note { get; }

    public ModelStatistics Before { get; }

    public ModelStatistics After { get; }

    public string? MetricName { get; }

    public double? MetricBefore { get; }

    public double? MetricAfter { get; }

    /// <summary>Compares a model with its pruned version layer by layer (by node name).</summary>
    public static PruningSummary Create(Model model, Model pruned, string? metricName, double? before, double? after, string note = "after BN recalibration, before finetuning")
    {
        ModelStatistics a = ModelStatistics.Compute(model.Graph), b = ModelStatistics.Compute(pruned.Graph);
        var afterByName = b.Nodes.ToDictionary(n => n.Node.Name, StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (NodeStatistics n in a.Nodes.Where(n => n.Macs > 0 && afterByName.ContainsKey(n.Node.Name)))
        {
            NodeStatistics m = afterByName[n.Node.Name];
            rows.Add(new Row(n.Node.Name, n.Node.OpType, Channels(n), Channels(m), n.Parameters, m.Parameters, n.Macs, m.Macs));
        }

        return new PruningSummary(rows, a, b, metricName, before, after, note);
    }

    private static int Channels(NodeStatistics n) => n.OutputShapes[0].Rank > 1 ? n.OutputShapes[0][1] : 1;

    public void Print(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in new[] { "layer", "op", "channels", "params before", "params after", "MACs before", "MACs after" })
        {
            table.AddColumn(column is "layer" or "op" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }

        foreach (Row r in Rows)
        {
            table.AddRow(
                new Text(r.Layer), new Text(r.Op), new Text(r.Channels == r.Kept ? Num(r.Channels) : $"{Num(r.Channels)} → {Num(r.Kept)}"),
                new Text(Numbers.Grouped(r.ParamsBefore)), new Text(Numbers.Grouped(r.ParamsAfter)), new Text(Numbers.Grouped(r.MacsBefore)), new Text(Numbers.Grouped(r.MacsAfter)));
        }

        console.Write(table);
        foreach (string line in Totals())
        {
            console.WriteLine(line);
        }
    }

    private IEnumerable<string> Totals()
    {
        yield return $"params: {Numbers.Grouped(Before.TotalParameters)} → {Numbers.Grouped(After.TotalParameters)} ({Change(Before.TotalParameters, After.TotalParameters)})";
        yield return $"MACs:   {Numbers.Grouped(Before.TotalMacs)} → {Numbers.Grouped(After.TotalMacs)} ({Change(Before.TotalMacs, After.TotalMacs)})";
        if (MetricBefore is double b && MetricAfter is double a)
        {
            yield return $"{MetricName}: {PruningInputs.Percent(b)} → {PruningInputs.Percent(a)} {Note}";
        }
    }

    public void SaveMarkdown(string path, string title)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        md.AppendLine("| layer | op | channels | params before | params after | MACs before | MACs after |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (Row r in Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Layer} | {r.Op} | {(r.Channels == r.Kept ? Num(r.Channels) : $"{Num(r.Channels)} → {Num(r.Kept)}")} | {Numbers.Grouped(r.ParamsBefore)} | {Numbers.Grouped(r.ParamsAfter)} | {Numbers.Grouped(r.MacsBefore)} | {Numbers.Grouped(r.MacsAfter)} |");
        }

        md.AppendLine();
        foreach (string line in Totals())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        TextReport.Write(path, md.ToString());
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("params_before", Before.TotalParameters);
        w.WriteNumber("params_after", After.TotalParameters);
        w.WriteNumber("macs_before", Before.TotalMacs);
        w.WriteNumber("macs_after", After.TotalMacs);
        if (MetricName is not null && MetricBefore is double b && MetricAfter is double a)
        {
            w.WriteString("metric_name", MetricName);
            w.WriteNumber("metric_before", b);
            w.WriteNumber("metric_after", a);
        }

        w.WriteStartArray("layers");
        foreach (Row r in Rows)
        {
            w.WriteStartObject();
            w.WriteString("layer", r.Layer);
            w.WriteString("op", r.Op);
            w.WriteNumber("channels", r.Channels);
            w.WriteNumber("kept", r.Kept);
            w.WriteNumber("params_before", r.ParamsBefore);
            w.WriteNumber("params_after", r.ParamsAfter);
            w.WriteNumber("macs_before", r.MacsBefore);
            w.WriteNumber("macs_after", r.MacsAfter);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Change(long before, long after) => before == 0 ? "0 %" : (((double)after / before) - 1).ToString("+0.0 %;-0.0 %", CultureInfo.InvariantCulture);

    internal sealed record Row(string Layer, string Op, int Channels, int Kept, long ParamsBefore, long ParamsAfter, long MacsBefore, long MacsAfter);
}
