using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Converters.Benchmarks.Comparison;

/// <summary>The result of one comparison run: the machine, the method and the rows.</summary>
/// <param name="Benchmark">The comparison, e.g. <c>npy</c>.</param>
/// <param name="Oracle">The oracle and its version, e.g. <c>numpy 1.24.2 (/usr/bin/python3 3.11.2)</c>.</param>
/// <param name="Machine">Where it ran.</param>
/// <param name="Warmup">Untimed repetitions before the timed ones, on both sides.</param>
/// <param name="Repeats">Timed repetitions on both sides; each side reports its median.</param>
/// <param name="Notes">How to read the numbers.</param>
/// <param name="Rows">The measured operations.</param>
/// <param name="OracleColumn">The oracle's short name in the table header, e.g. <c>numpy</c>.</param>
public sealed record ComparisonReport(
    string Benchmark,
    string Oracle,
    MachineInfo Machine,
    int Warmup,
    int Repeats,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ComparisonRow> Rows,
    string OracleColumn = "numpy")
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the report as a table, with the machine and method above it.</summary>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Oracle comparison '{Benchmark}' on {Machine.CpuModel} ({Machine.LogicalCores} logical cores), {Machine.Runtime}, against {Oracle}");
        output.WriteLine($"Median of {Repeats} timed repetitions after {Warmup} warm-up, each side timed in its own process.");
        output.WriteLine();
        string[] header = ["operation", "size", "ours (ms)", $"{OracleColumn} (ms)", $"ours/{OracleColumn}"];
        string[][] cells =
        [
            .. Rows.Select(r => new[]
            {
                r.Operation,
                r.Size,
                r.OursMs.ToString("0.0", CultureInfo.InvariantCulture),
                r.OracleMs.ToString("0.0", CultureInfo.InvariantCulture),
                r.Ratio.ToString("0.00", CultureInfo.InvariantCulture),
            }),
        ];
        int[] widths = [.. header.Select((h, i) => Math.Max(h.Length, cells.Length == 0 ? 0 : cells.Max(c => c[i].Length)))];
        output.WriteLine(FormatLine(header, widths));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (string[] row in cells)
        {
            output.WriteLine(FormatLine(row, widths));
        }

        output.WriteLine();
        foreach (string note in Notes)
        {
            output.WriteLine($"- {note}");
        }
    }

    /// <summary>Writes the report as indented JSON to <paramref name="path"/>.</summary>
    public void WriteJson(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, s_json) + "\n");
    }

    // Text columns left-aligned, numbers right-aligned.
    private static string FormatLine(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
}
