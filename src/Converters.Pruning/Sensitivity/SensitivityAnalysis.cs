using Converters.Pruning.Dependency;

namespace Converters.Pruning.Sensitivity;

/// <summary>
/// Prunes each group alone at each ratio and records the metric (9 measurements per group plus the
/// baseline), skipping what the table already holds and saving it after every measurement.
/// </summary>
public static class SensitivityAnalysis
{
    /// <summary>Fills <paramref name="table"/>.</summary>
    /// <param name="table">The table to fill (possibly half-filled by an interrupted run).</param>
    /// <param name="groups">The groups to analyse.</param>
    /// <param name="baseline">Measures the unpruned model.</param>
    /// <param name="measure">Measures the model with one group pruned by a ratio.</param>
    /// <param name="save">Called after every measurement (writes the table).</param>
    /// <param name="progress">Called after every measurement with (done, total).</param>
    /// <param name="cancellation">Stops between measurements.</param>
    public static void Run(
        SensitivityTable table,
        IReadOnlyList<PruningGroup> groups,
        Func<double> baseline,
        Func<PruningGroup, double, double> measure,
        Action<SensitivityTable>? save = null,
        Action<int, int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(measure);
        int total = 1 + (groups.Count * table.Ratios.Count);
        int done = 0;
        if (table.Baseline is null)
        {
            cancellation.ThrowIfCancellationRequested();
            table.Baseline = baseline();
            save?.Invoke(table);
        }

        progress?.Invoke(++done, total);
        foreach (PruningGroup group in groups)
        {
            if (!table.Metrics.TryGetValue(group.Id, out double?[]? metrics))
            {
                table.Metrics[group.Id] = metrics = new double?[table.Ratios.Count];
            }

            for (int i = 0; i < table.Ratios.Count; i++)
            {
                if (metrics[i] is null)
                {
                    cancellation.ThrowIfCancellationRequested();
                    metrics[i] = measure(group, table.Ratios[i]);
                    save?.Invoke(table);
                }

                progress?.Invoke(++done, total);
            }
        }
    }

    /// <summary>A text chart of metric against ratio, one line per group (each cell: the metric as a block of 8 heights).</summary>
    public static string Chart(SensitivityTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        const string blocks = " ▁▂▃▄▅▆▇█";
        double top = Math.Max(table.Baseline ?? 0, table.Metrics.Values.SelectMany(m => m).Max() ?? 0);
        var lines = new List<string> { $"{table.MetricName} vs pruning ratio {string.Join(" ", table.Ratios.Select(r => r.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} (baseline {table.Baseline:0.####})" };
        int width = table.Metrics.Keys.Select(k => k.Length).DefaultIfEmpty(5).Max();
        foreach (var (id, metrics) in table.Metrics)
        {
            string bars = string.Concat(metrics.Select(m => m is double v && top > 0 ? blocks[(int)Math.Round(Math.Clamp(v / top, 0, 1) * 8)] : '·'));
            lines.Add($"{id.PadRight(width)} │{bars}│");
        }

        return string.Join('\n', lines);
    }
}
