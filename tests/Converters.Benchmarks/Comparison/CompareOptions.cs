using System.Globalization;

namespace Converters.Benchmarks.Comparison;

/// <summary>
/// The options every <c>compare</c> mode takes (<c>--repeats N</c>, <c>--warmup W</c>, <c>--json OUT</c>)
/// plus at most one mode-specific comma list (<c>--sizes</c>, <c>--nets</c>).
/// </summary>
/// <param name="Repeats">Timed repetitions per side.</param>
/// <param name="Warmup">Untimed repetitions first.</param>
/// <param name="Json">Where to write the JSON report, if anywhere.</param>
/// <param name="List">The values of the mode's list option, or its default.</param>
public sealed record CompareOptions(int Repeats, int Warmup, string? Json, IReadOnlyList<string> List)
{
    /// <summary>
    /// Parses <paramref name="args"/> from <paramref name="start"/>; on a bad option writes it and
    /// <paramref name="usage"/> to <paramref name="output"/> and returns null.
    /// </summary>
    public static CompareOptions? Parse(string[] args, int start, string? listOption, IReadOnlyList<string> listDefault, string usage, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        int repeats = 10;
        int warmup = 2;
        string? json = null;
        IReadOnlyList<string> list = listDefault;
        for (int i = start; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--repeats" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeats) && repeats > 0,
                "--warmup" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out warmup),
                "--json" => (json = value) is not null,
                _ when listOption is not null && args[i] == listOption => value is not null && (list = value.Split(',', StringSplitOptions.RemoveEmptyEntries)).Count > 0,
                _ => false,
            };
            if (!ok)
            {
                output.WriteLine($"compare: bad option '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}.");
                output.WriteLine(usage);
                return null;
            }

            i++;
        }

        return new CompareOptions(repeats, warmup, json, list);
    }

    /// <summary>Prints <paramref name="report"/> and writes its JSON when asked; returns exit code 0.</summary>
    public int Finish(ComparisonReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine();
        report.WriteTable(output);
        if (Json is not null)
        {
            report.WriteJson(Json);
            output.WriteLine();
            output.WriteLine($"JSON written to {Path.GetFullPath(Json)}");
        }

        return 0;
    }
}
