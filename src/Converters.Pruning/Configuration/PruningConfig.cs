using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Converters.Pruning.Configuration;

/// <summary>
/// The iterative workflow's config (YAML), with the vendor tool's field names:
/// <c>workspace</c>, <c>model</c>, <c>weights</c>, <c>data</c>, <c>test_iter</c>, <c>acc_name</c>,
/// <c>rate</c>, <c>threshold</c>, <c>pruner: {method, policy, channel_divisible, keep_minimum,
/// ignored_layers}</c>, <c>solver</c>, and ours: <c>rounds</c>, <c>finetune_epochs</c>,
/// <c>metric_drop_limit</c>, <c>batch</c>, <c>calib_batches</c>, <c>distillation</c>, <c>to</c>. Input paths (model,
/// weights, solver) are resolved against the config file's folder, the workspace against the
/// current directory (so a shipped config never writes into its own folder).
/// </summary>
public sealed record PruningConfig
{
    private static readonly string[] s_keys = ["workspace", "model", "weights", "data", "test", "test_iter", "acc_name", "rate", "threshold", "pruner", "solver", "rounds", "finetune_epochs", "metric_drop_limit", "batch", "calib_batches", "to", "seed", "distillation"];
    private static readonly string[] s_prunerKeys = ["method", "policy", "channel_divisible", "keep_minimum", "ignored_layers"];

    /// <summary>The output folder (<c>round_k/</c>, <c>final/</c>, the sensitivity cache).</summary>
    public string Workspace { get; init; } = "workspace";

    /// <summary>The model's files (<c>model</c> plus <c>weights</c>).</summary>
    public IReadOnlyList<string> ModelFiles { get; init; } = [];

    /// <summary>Dataset spec; null for the data-free flow.</summary>
    public string? Data { get; init; }

    /// <summary>Test dataset spec (default: the data spec's test split).</summary>
    public string? Test { get; init; }

    /// <summary>Test batches per measurement; null: all.</summary>
    public int? TestIterations { get; init; }

    /// <summary>The metric's name as the user wrote it (top1, top-1, map, …).</summary>
    public string? AccuracyName { get; init; }

    /// <summary>Fraction of MACs to remove by the end.</summary>
    public double? Rate { get; init; }

    /// <summary>Tolerated relative metric loss per group (sensitivity policy, one round).</summary>
    public double? Threshold { get; init; }

    /// <summary>Criterion name.</summary>
    public string Method { get; init; } = "l1";

    /// <summary>Policy name.</summary>
    public string Policy { get; init; } = "uniform";

    /// <summary>Kept counts are multiples of this.</summary>
    public int ChannelDivisible { get; init; } = 1;

    /// <summary>Every group keeps at least this many channels.</summary>
    public int KeepMinimum { get; init; } = 1;

    /// <summary>Layers whose groups stay whole.</summary>
    public IReadOnlyList<string> IgnoredLayers { get; init; } = [];

    /// <summary>A solver file for finetuning (Caffe or Darknet field names).</summary>
    public string? Solver { get; init; }

    /// <summary>Prune → finetune rounds the rate is spread over.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Finetuning epochs per round.</summary>
    public int FinetuneEpochs { get; init; } = 2;

    /// <summary>Stop when the metric falls more than this (absolute) below the unpruned model's.</summary>
    public double MetricDropLimit { get; init; } = 0.015;

    /// <summary>Batch size of finetuning and measurements.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Batches the BN statistics are recalibrated on after pruning.</summary>
    public int CalibrationBatches { get; init; } = 4;

    /// <summary>Extra formats the final model is written in.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Finetune with knowledge distillation from the unpruned model (classification).</summary>
    public bool Distillation { get; init; }

    /// <summary>Seed of finetuning.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The config file.</summary>
    public string? FilePath { get; init; }

    /// <summary>Reads and checks a config file.</summary>
    /// <exception cref="PruningConfigException">Malformed: file:line:column and the key.</exception>
    public static PruningConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PruningConfigException($"cannot read the config: {ex.Message}", ex) { FilePath = path };
        }

        return Parse(text, path);
    }

    /// <summary>Parses config text; relative paths resolve against <paramref name="path"/>'s folder.</summary>
    /// <exception cref="PruningConfigException">Malformed.</exception>
    public static PruningConfig Parse(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new PruningConfigException($"not valid YAML: {ex.InnerException?.Message ?? ex.Message}", ex) { FilePath = path, Line = (int)ex.Start.Line, Column = (int)ex.Start.Column };
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PruningConfigException("expected a mapping of keys (workspace, model, weights, data, rate, …)") { FilePath = path, Line = 1, Column = 1 };
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var reader = new Reader(path, folder);
        var config = new PruningConfig { FilePath = path, Workspace = Path.GetFullPath("workspace") };
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            string key = reader.Key(keyNode, s_keys, seen);
            config = key switch
            {
                "workspace" => config with { Workspace = Path.GetFullPath(reader.Text(value, key)) },
                "model" => config with { ModelFiles = [.. reader.Paths(value, key), .. config.ModelFiles] },
                "weights" => config with { ModelFiles = [.. config.ModelFiles, .. reader.Paths(value, key)] },
                "data" => config with { Data = reader.Text(value, key) },
                "test" => config with { Test = reader.Text(value, key) },
                "test_iter" => config with { TestIterations = reader.Int(value, key, 1) },
                "acc_name" => config with { AccuracyName = reader.Choice(value, key, ["top1", "top-1", "accuracy", "map", "mAP", "mAP@0.5"]) },
                "rate" => config with { Rate = reader.Fraction(value, key) },
                "threshold" => config with { Threshold = reader.Double(value, key, 0, 1) },
                "solver" => config with { Solver = reader.PathOf(value, key) },
                "rounds" => config with { Rounds = reader.Int(value, key, 1) },
                "finetune_epochs" => config with { FinetuneEpochs = reader.Int(value, key, 0) },
                "metric_drop_limit" => config with { MetricDropLimit = reader.Double(value, key, 0, 1) },
                "batch" => config with { Batch = reader.Int(value, key, 1) },
                "calib_batches" => config with { CalibrationBatches = reader.Int(value, key, 1) },
                "to" => config with { To = reader.List(value, key) },
                "seed" => config with { Seed = (ulong)reader.Int(value, key, 0) },
                "distillation" => config with { Distillation = reader.Choice(value, key, ["true", "false"]) == "true" },
                _ => Pruner(config, value, reader),
            };
        }

        if (config.ModelFiles.Count == 0)
        {
            throw new PruningConfigException("'model' is required (the model's files; 'weights' adds the weights file)") { FilePath = path, Line = (int)root.Start.Line, Column = (int)root.Start.Column, FieldPath = "model" };
        }

        if (config.Rate is null == config.Threshold is null)
        {
            YamlNode at = seen.GetValueOrDefault("threshold") ?? root;
            throw new PruningConfigException(config.Rate is null ? "give 'rate' (fraction of MACs to remove) or 'threshold' (tolerated metric loss per group)" : "give 'rate' or 'threshold', not both") { FilePath = path, Line = (int)at.Start.Line, Column = (int)at.Start.Column, FieldPath = "rate" };
        }

        if (config.Threshold is not null && config.Policy != "sensitivity")
        {
            YamlNode at = seen["threshold"];
            throw new PruningConfigException("'threshold' goes with pruner.policy: sensitivity") { FilePath = path, Line = (int)at.Start.Line, Column = (int)at.Start.Column, FieldPath = "threshold" };
        }

        if (config.Data is null && config.Policy == "sensitivity")
        {
            throw new PruningConfigException("the sensitivity policy measures the model: 'data' is required") { FilePath = path, Line = (int)root.Start.Line, Column = (int)root.Start.Column, FieldPath = "data" };
        }

        return config;
    }

    private static PruningConfig Pruner(PruningConfig config, YamlNode value, Reader reader)
    {
        if (value is not YamlMappingNode pruner)
        {
            throw reader.Error(value, "pruner", "expected a mapping (method, policy, channel_divisible, keep_minimum, ignored_layers)");
        }

        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, v) in pruner.Children)
        {
            string key = reader.Key(keyNode, s_prunerKeys, seen, "pruner.");
            string field = $"pruner.{key}";
            config = key switch
            {
                "method" => config with { Method = reader.Choice(v, field, ["l1", "l2", "group-l1", "bn-gamma", "REGULAR"]) is "REGULAR" ? "l1" : reader.Text(v, field) },
                "policy" => config with { Policy = reader.Choice(v, field, ["uniform", "global", "sensitivity"]) },
                "channel_divisible" => config with { ChannelDivisible = reader.Int(v, field, 1) },
                "keep_minimum" => config with { KeepMinimum = reader.Int(v, field, 1) },
                _ => config with { IgnoredLayers = reader.List(v, field) },
            };
        }

        return config;
    }

    private sealed class Reader(string path, string folder)
    {
        public PruningConfigException Error(YamlNode node, string key, string message) =>
            new($"{message}") { FilePath = path, Line = (int)node.Start.Line, Column = (int)node.Start.Column, FieldPath = key };

        public string Key(YamlNode node, string[] known, Dictionary<string, YamlNode> seen, string prefix = "")
        {
            string key = node is YamlScalarNode { Value: string k } ? k : throw Error(node, prefix.TrimEnd('.'), "expected a key");
            if (!known.Contains(key))
            {
                string? close = known.MinBy(c => Distance(c, key));
                string hint = close is not null && Distance(close, key) <= 2 ? $" (did you mean '{close}'?)" : $" (known: {string.Join(", ", known)})";
                throw Error(node, prefix + key, $"unknown key '{key}'{hint}");
            }

            if (!seen.TryAdd(key, node))
            {
                throw Error(node, prefix + key, $"'{key}' is set twice (also at line {seen[key].Start.Line})");
            }

            return key;
        }

        public string Text(YamlNode node, string key) =>
            node is YamlScalarNode { Value: string v } && v.Length > 0 ? v : throw Error(node, key, "expected a value");

        public string PathOf(YamlNode node, string key) => Path.GetFullPath(Path.Combine(folder, Text(node, key)));

        public List<string> List(YamlNode node, string key) => node switch
        {
            YamlSequenceNode seq => [.. seq.Children.Select(c => Text(c, key))],
            _ => [.. Text(node, key).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };

        public List<string> Paths(YamlNode node, string key) => [.. List(node, key).Select(p => Path.GetFullPath(Path.Combine(folder, p)))];

        public int Int(YamlNode node, string key, int minimum)
        {
            string text = Text(node, key);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= minimum
                ? v
                : throw Error(node, key, $"expected an integer ≥ {minimum}, got \"{text}\"");
        }

        public double Double(YamlNode node, string key, double low, double high)
        {
            string text = Text(node, key);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= low && v <= high
                ? v
                : throw Error(node, key, $"expected a number in [{low}, {high}], got \"{text}\"");
        }

        public double Fraction(YamlNode node, string key)
        {
            string text = Text(node, key);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v < 1
                ? v
                : throw Error(node, key, $"expected a fraction of MACs between 0 and 1, got \"{text}\"");
        }

        public string Choice(YamlNode node, string key, string[] choices)
        {
            string text = Text(node, key);
            return choices.Contains(text, StringComparer.Ordinal) ? text : throw Error(node, key, $"expected one of {string.Join(", ", choices)}, got \"{text}\"");
        }

        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (int j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
