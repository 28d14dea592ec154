using System.Globalization;
using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Pruning.Criteria;
using Converters.Pruning.Dependency;
using Converters.Pruning.Evaluation;
using Converters.Pruning.Planning;
using Converters.Pruning.Transform;

namespace Converters.Cli.Pruning;

/// <summary>What <c>ana</c>, <c>prune</c> and <c>transform</c> share: criteria by name, scores, data, measuring a pruned model.</summary>
internal static class PruningInputs
{
    /// <summary>The criteria that need no data.</summary>
    public static readonly string[] Methods = ["l1", "l2", "group-l1", "bn-gamma"];

    /// <summary>The criterion named on the command line.</summary>
    public static IImportanceCriterion Criterion(string name, string option = "--method") => name switch
    {
        "l1" => new L1NormCriterion(),
        "l2" => new L2NormCriterion(),
        "group-l1" => new GroupL1Criterion(),
        "bn-gamma" => new BatchNormScaleCriterion(),
        _ => throw new InputFormatException($"unknown criterion \"{name}\" (expected {string.Join(", ", Methods)})") { FieldPath = option },
    };

    /// <summary>Scores of every prunable group that is not ignored.</summary>
    public static Dictionary<string, float[]> Scores(Model model, IReadOnlyList<PruningGroup> groups, IImportanceCriterion criterion, IReadOnlySet<string> ignored)
    {
        var scores = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (PruningGroup group in groups.Where(g => g.IsPrunable && !g.Slots.Any(s => ignored.Contains(s.NodeName))))
        {
            try
            {
                scores[group.Id] = criterion.Score(model, group);
            }
            catch (ArgumentException ex)
            {
                throw new InputFormatException($"{ex.Message.TrimEnd('.')} (--ignore {string.Join(",", group.Producers)})", ex) { FieldPath = "--method" };
            }
        }

        return scores;
    }

    /// <summary>Layer names to leave whole, checked against the model.</summary>
    public static IReadOnlySet<string> Ignored(Model model, string[] names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!model.Graph.Nodes.Any(n => n.Name == name))
            {
                string? close = model.Graph.Nodes.Select(n => n.Name).FirstOrDefault(n => n.StartsWith(name + ".", StringComparison.Ordinal));
                throw new InputFormatException($"the model has no layer \"{name}\"{(close is null ? string.Empty : $" (did you mean \"{close}\"?)")}") { FieldPath = "--ignore" };
            }

            set.Add(name);
        }

        return set;
    }

    /// <summary>The training split of a dataset spec (the samples BN statistics are recalibrated on), sized for the model.</summary>
    public static IDataset OpenTrain(Model model, string data) => Open(model, DatasetSpec.TrainTestSplits(data).Train, "--data");

    /// <summary>The test split of a dataset spec (or the given test spec), sized for the model.</summary>
    public static IDataset OpenTest(Model model, string data, string? test) => Open(model, test ?? DatasetSpec.TrainTestSplits(data).Test, test is null ? "--data" : "--test");

    private static IDataset Open(Model model, string spec, string option)
    {
        TensorShape input = model.Graph.Inputs.Count == 1 && model.Graph.Inputs[0].Shape.Rank == 4
            ? model.Graph.Inputs[0].Shape
            : throw new InputFormatException("measuring needs a model with one NCHW image input") { FieldPath = option };
        IDataset set = DatasetSpec.Open(spec, new DatasetOpenOptions { Channels = input[1], Height = input[2], Width = input[3], BaseDirectory = Directory.GetCurrentDirectory() });
        if (set.Count == 0)
        {
            throw new InputFormatException($"dataset \"{spec}\" has no samples") { FieldPath = option };
        }

        return set;
    }

    /// <summary>The metric of a pruned model after recalibrating its BN statistics on the evaluation samples' neighbours.</summary>
    public static double Measure(Model model, IReadOnlyList<PruningGroup> groups, PruningPlan plan, ModelEvaluator evaluator, IDataset calibration, int calibrationBatches)
    {
        Model slim = SlimTransform.Apply(model, groups, plan);
        Model recalibrated = BatchNormRecalibration.Recalibrate(slim, calibration, calibrationBatches, evaluator.Batch);
        return evaluator.Evaluate(recalibrated);
    }

    public static string Percent(double value) => value.ToString("0.00 %", CultureInfo.InvariantCulture);
}
