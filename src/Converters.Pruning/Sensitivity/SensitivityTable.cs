using System.Text.Json;
using Converters.Abstractions;

namespace Converters.Pruning.Sensitivity;

/// <summary>
/// The result of <c>ana</c>: the metric with each group pruned alone at each ratio, plus the unpruned
/// baseline, for one model (by hash) and one set of settings. Saved after every measurement so an
/// interrupted analysis resumes where it stopped.
/// </summary>
public sealed class SensitivityTable
{
    /// <summary>The ratios every group is pruned at: 0.1 … 0.9.</summary>
    public static IReadOnlyList<double> StandardRatios { get; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>Creates an empty table.</summary>
    public SensitivityTable(string modelHash, string settings, string metricName, IReadOnlyList<double>? ratios = null)
    {
        ModelHash = modelHash;
        Settings = settings;
        MetricName = metricName;
        Ratios = ratios ?? StandardRatios;
    }

    /// <summary>The hash of the analysed model.</summary>
    public string ModelHash { get; }

    /// <summary>The analysis settings (criterion, test batches, data) the results hold for.</summary>
    public string Settings { get; }

    /// <summary>The metric's name.</summary>
    public string MetricName { get; }

    /// <summary>The pruning ratios.</summary>
    public IReadOnlyList<double> Ratios { get; }

    /// <summary>The unpruned model's metric, once measured.</summary>
    public double? Baseline { get; set; }

    /// <summary>Group id → metric per ratio (null: not measured yet), in analysis order.</summary>
    public Dictionary<string, double?[]> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether every group of <paramref name="groupIds"/> has every ratio measured.</summary>
    public bool IsComplete(IEnumerable<string> groupIds) => Baseline is not null && groupIds.All(id => Metrics.TryGetValue(id, out double?[]? m) && m.All(v => v is not null));

    /// <summary>
    /// The largest ratio of a group whose relative metric loss (baseline − metric) / baseline stays within
    /// <paramref name="threshold"/>, along with every smaller ratio; 0 when even the first loses more.
    /// </summary>
    public double RatioWithin(string groupId, double threshold)
    {
        if (Baseline is not double baseline || !Metrics.TryGetValue(groupId, out double?[]? metrics))
        {
            return 0;
        }

        double best = 0;
        for (int i = 0; i < Ratios.Count; i++)
        {
            if (metrics[i] is not double m || (baseline - m) / Math.Max(Math.Abs(baseline), 1e-12) > threshold)
            {
                break;
            }

            best = Ratios[i];
        }

        return best;
    }

    /// <summary>
    /// The order in which a rate is reached: starting from nothing pruned, each step raises one group to
    /// its next ratio, always the group whose next step costs the least metric (the loss curve made
    /// monotone), ties to the group analysed first. Taking the first n steps gives every group's ratio.
    /// </summary>
    public IReadOnlyList<(string GroupId, double Ratio)> Steps(IEnumerable<string> groupIds)
    {
        double baseline = Baseline ?? 0;
        var loss = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string id in groupIds.Where(Metrics.ContainsKey))
        {
            double worst = 0;
            loss[id] = [.. Metrics[id].Select(m => worst = Math.Max(worst, m is double v ? baseline - v : double.PositiveInfinity))];
        }

        var next = loss.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        var steps = new List<(string, double)>();
        while (true)
        {
            string? best = null;
            double bestCost = double.PositiveInfinity;
            foreach (var (id, at) in next)
            {
                if (at >= Ratios.Count)
                {
                    continue;
                }

                double cost = loss[id][at] - (at == 0 ? 0 : loss[id][at - 1]);
                if (cost < bestCost)
                {
                    (best, bestCost) = (id, cost);
                }
            }

            if (best is null)
            {
                return steps;
            }

            steps.Add((best, Ratios[next[best]]));
            next[best]++;
        }
    }

    /// <summary>Writes the table as JSON, atomically.</summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        using var files = new AtomicFileSet(Path.GetDirectoryName(full)!);
        using (Stream stream = files.Create(Path.GetFileName(full)))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "converters-sensitivity");
            json.WriteString("model", ModelHash);
            json.WriteString("settings", Settings);
            json.WriteString("metric", MetricName);
            if (Baseline is double b)
            {
                json.WriteNumber("baseline", b);
            }

            json.WriteStartArray("ratios");
            foreach (double r in Ratios)
            {
                json.WriteNumberValue(r);
            }

            json.WriteEndArray();
            json.WriteStartObject("groups");
            foreach (var (id, metrics) in Metrics)
            {
                json.WriteStartArray(id);
                foreach (double? m in metrics)
                {
                    if (m is double v)
                    {
                        json.WriteNumberValue(v);
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        files.Commit();
    }

    /// <summary>Reads a table if <paramref name="path"/> holds one for this model and these settings; null otherwise (or when unreadable).</summary>
    public static SensitivityTable? TryLoad(string path, string modelHash, string settings)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            if (root.GetProperty("format").GetString() != "converters-sensitivity" || root.GetProperty("model").GetString() != modelHash || root.GetProperty("settings").GetString() != settings)
            {
                return null;
            }

            var table = new SensitivityTable(modelHash, settings, root.GetProperty("metric").GetString()!, [.. root.GetProperty("ratios").EnumerateArray().Select(e => e.GetDouble())]);
            if (root.TryGetProperty("baseline", out JsonElement baseline))
            {
                table.Baseline = baseline.GetDouble();
            }

            foreach (JsonProperty group in root.GetProperty("groups").EnumerateObject())
            {
                table.Metrics[group.Name] = [.. group.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble())];
            }

            return table.Ratios.Count > 0 && table.Metrics.Values.All(m => m.Length == table.Ratios.Count) ? table : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }
}
