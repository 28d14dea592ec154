using System.Globalization;
using Converters.Ir.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Converters.Engine.Training.Solver;

/// <content>Reading solver files and Darknet [net] sections.</content>
public sealed partial record SolverSettings
{
    private static readonly Dictionary<string, (Setting Setting, Vocabulary Vocabulary)> s_keys = new(StringComparer.Ordinal)
    {
        // Caffe's SolverParameter fields.
        ["base_lr"] = (Setting.LearningRate, Vocabulary.Caffe),
        ["lr_policy"] = (Setting.Policy, Vocabulary.Caffe),
        ["stepsize"] = (Setting.StepSize, Vocabulary.Caffe),
        ["stepvalue"] = (Setting.StepValues, Vocabulary.Caffe),
        ["momentum2"] = (Setting.Beta2, Vocabulary.Caffe),
        ["delta"] = (Setting.Epsilon, Vocabulary.Caffe),
        ["weight_decay"] = (Setting.WeightDecay, Vocabulary.Caffe),
        ["max_iter"] = (Setting.MaxIterations, Vocabulary.Caffe),
        ["type"] = (Setting.Optimizer, Vocabulary.Caffe),
        ["clip_gradients"] = (Setting.ClipNorm, Vocabulary.Caffe),
        ["random_seed"] = (Setting.Seed, Vocabulary.Caffe),
        ["net"] = (Setting.Net, Vocabulary.Caffe),
        ["test_iter"] = (Setting.TestIterations, Vocabulary.Caffe),
        ["test_interval"] = (Setting.TestInterval, Vocabulary.Caffe),
        ["display"] = (Setting.Display, Vocabulary.Caffe),
        ["snapshot"] = (Setting.Snapshot, Vocabulary.Caffe),
        ["snapshot_prefix"] = (Setting.SnapshotPrefix, Vocabulary.Caffe),
        ["solver_mode"] = (Setting.SolverMode, Vocabulary.Caffe),
        ["regularization_type"] = (Setting.Regularization, Vocabulary.Caffe),

        // Darknet's [net] training keys.
        ["learning_rate"] = (Setting.LearningRate, Vocabulary.Darknet),
        ["decay"] = (Setting.WeightDecay, Vocabulary.Darknet),
        ["burn_in"] = (Setting.BurnIn, Vocabulary.Darknet),
        ["max_batches"] = (Setting.MaxIterations, Vocabulary.Darknet),
        ["policy"] = (Setting.Policy, Vocabulary.Darknet),
        ["steps"] = (Setting.StepValues, Vocabulary.Darknet),
        ["scales"] = (Setting.Scales, Vocabulary.Darknet),
        ["scale"] = (Setting.StepScale, Vocabulary.Darknet),
        ["step"] = (Setting.StepSize, Vocabulary.Darknet),
        ["subdivisions"] = (Setting.Subdivisions, Vocabulary.Darknet),
        ["adam"] = (Setting.Optimizer, Vocabulary.Darknet),
        ["B1"] = (Setting.Beta1, Vocabulary.Darknet),
        ["B2"] = (Setting.Beta2, Vocabulary.Darknet),
        ["eps"] = (Setting.Epsilon, Vocabulary.Darknet),

        // Keys Caffe and Darknet spell the same way.
        ["momentum"] = (Setting.Momentum, Vocabulary.Shared),
        ["gamma"] = (Setting.Gamma, Vocabulary.Shared),
        ["power"] = (Setting.Power, Vocabulary.Shared),
        ["batch"] = (Setting.Batch, Vocabulary.Shared),

        // Ours.
        ["lr"] = (Setting.LearningRate, Vocabulary.Ours),
        ["optimizer"] = (Setting.Optimizer, Vocabulary.Ours),
        ["schedule"] = (Setting.Policy, Vocabulary.Ours),
        ["epochs"] = (Setting.Epochs, Vocabulary.Ours),
        ["beta1"] = (Setting.Beta1, Vocabulary.Ours),
        ["beta2"] = (Setting.Beta2, Vocabulary.Ours),
        ["epsilon"] = (Setting.Epsilon, Vocabulary.Ours),
        ["dampening"] = (Setting.Dampening, Vocabulary.Ours),
        ["milestones"] = (Setting.StepValues, Vocabulary.Ours),
        ["step_size"] = (Setting.StepSize, Vocabulary.Ours),
        ["warmup"] = (Setting.Warmup, Vocabulary.Ours),
        ["warmup_start"] = (Setting.WarmupStart, Vocabulary.Ours),
        ["clip_norm"] = (Setting.ClipNorm, Vocabulary.Ours),
        ["clip_value"] = (Setting.ClipValue, Vocabulary.Ours),
        ["period"] = (Setting.Period, Vocabulary.Ours),
        ["eta_min"] = (Setting.EtaMin, Vocabulary.Ours),
        ["restart"] = (Setting.Restart, Vocabulary.Ours),
        ["period_mult"] = (Setting.PeriodMultiplier, Vocabulary.Ours),
        ["seed"] = (Setting.Seed, Vocabulary.Ours),
    };

    private static readonly string[] s_caffePolicies = ["fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid"];
    private static readonly string[] s_darknetPolicies = ["constant", "step", "steps", "exp", "poly", "sigmoid"];
    private static readonly string[] s_ourPolicies = ["fixed", "step", "multistep", "exp", "inv", "poly", "sigmoid", "cosine"];
    private static readonly string[] s_caffeTypes = ["SGD", "Nesterov", "Adam"];
    private static readonly string[] s_ourOptimizers = ["sgd", "nesterov", "adam", "adamw"];

    private enum Setting
    {
        Optimizer,
        LearningRate,
        Momentum,
        Beta1,
        Beta2,
        Epsilon,
        WeightDecay,
        Dampening,
        Policy,
        Gamma,
        StepScale,
        StepSize,
        StepValues,
        Scales,
        Power,
        MaxIterations,
        Epochs,
        Batch,
        Subdivisions,
        BurnIn,
        Warmup,
        WarmupStart,
        ClipNorm,
        ClipValue,
        Period,
        EtaMin,
        Restart,
        PeriodMultiplier,
        Seed,
        Net,
        TestIterations,
        TestInterval,
        Display,
        Snapshot,
        SnapshotPrefix,
        SolverMode,
        Regularization,
    }

    private enum Vocabulary
    {
        Caffe,
        Darknet,
        Shared,
        Ours,
    }

    /// <summary>The keys a solver file accepts, in a stable order (for error messages and docs).</summary>
    public static IReadOnlyList<string> KnownKeys { get; } = [.. s_keys.Keys];

    /// <summary>Reads the solver file at <paramref name="path"/>; see <see cref="Parse"/>.</summary>
    /// <exception cref="InputFormatException">The file cannot be read or is not a valid solver file.</exception>
    public static SolverSettings Load(string path, SolverSettings? defaults = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFormatException($"cannot read the solver file: {e.Message}", e) { FilePath = path };
        }

        return Parse(text, path, defaults);
    }

    /// <summary>
    /// Parses a YAML solver file: one mapping of keys to scalars (lists for <c>stepvalue</c>,
    /// <c>steps</c>, <c>scales</c>, <c>milestones</c>, which also accept Darknet's comma-separated
    /// text). Keys take Caffe, Darknet or our names (<see cref="KnownKeys"/>); keys absent from the
    /// file keep the value in <paramref name="defaults"/> (e.g. <see cref="FromDarknetNet"/> of the
    /// model's own .cfg). Setting one thing twice — e.g. <c>base_lr</c> and <c>learning_rate</c> —
    /// is an error, as are unknown keys and values of the wrong kind.
    /// </summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="filePath">The file name for error messages.</param>
    /// <param name="defaults">Settings the file overrides.</param>
    /// <exception cref="InputFormatException">With file, line, column and key, saying what was expected.</exception>
    public static SolverSettings Parse(string yaml, string filePath, SolverSettings? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(filePath);
        List<Field> fields;
        try
        {
            fields = ReadFields(yaml, filePath);
        }
        catch (YamlException e)
        {
            throw new InputFormatException($"not valid YAML: {FirstLine(e.Message)}", e)
            {
                FilePath = filePath,
                Line = (int)e.Start.Line,
                Column = (int)e.Start.Column,
            };
        }

        return Build(fields, defaults ?? new SolverSettings(), ignoreUnknown: false, filePath);
    }

    /// <summary>
    /// The settings a Darknet .cfg's own [net] section describes, with Darknet's defaults
    /// (learning_rate 0.001, momentum 0.9, decay 0.0001, power 4, policy constant). Keys that are not
    /// about training (width, channels, augmentation…) are ignored.
    /// </summary>
    /// <exception cref="InputFormatException">A training key has a bad value; the field path is <c>[net].key</c>.</exception>
    public static SolverSettings FromDarknetNet(IReadOnlyDictionary<string, string> netSection)
    {
        ArgumentNullException.ThrowIfNull(netSection);
        var fields = new List<Field>();
        foreach ((string key, string value) in netSection)
        {
            string text = value.Trim();
            IReadOnlyList<string>? items = key is "steps" or "scales" ? SplitList(text) : null;
            fields.Add(new Field(key.Trim(), text, items, null, null, null, $"[net].{key.Trim()}"));
        }

        var defaults = new SolverSettings
        {
            BaseLearningRate = 0.001f,
            Momentum = 0.9f,
            WeightDecay = 0.0001f,
            Power = 4f,
            Epsilon = 1e-7f,
            Beta1 = 0.9f,
            Batch = 1,
        };
        return Build(fields, defaults, ignoreUnknown: true, null);
    }

    private static SolverSettings Build(List<Field> fields, SolverSettings settings, bool ignoreUnknown, string? filePath)
    {
        var seen = new Dictionary<Setting, Field>();
        Vocabulary? policyVocabulary = null;
        foreach (Field field in fields)
        {
            if (!s_keys.TryGetValue(field.Key, out (Setting Setting, Vocabulary Vocabulary) entry))
            {
                if (ignoreUnknown)
                {
                    continue;
                }

                throw field.Error($"unknown solver key; expected one of {string.Join(", ", s_keys.Keys)}");
            }

            if (seen.TryGetValue(entry.Setting, out Field earlier))
            {
                throw field.Error(earlier.Key == field.Key
                    ? $"'{field.Key}' is set twice (also at line {earlier.Line}); keep one"
                    : $"'{field.Key}' and '{earlier.Key}'{(earlier.Line is int l ? $" (line {l})" : "")} set the same thing; keep one of them");
            }

            seen.Add(entry.Setting, field);
            if (entry.Setting == Setting.Policy)
            {
                policyVocabulary = entry.Vocabulary;
            }

            settings = Apply(settings, field, entry.Setting, entry.Vocabulary);
        }

        // A file that sets boundaries or gamma without Darknet's scales/scale means Caffe's meaning
        // (gamma at every boundary), even when the defaults came from a .cfg with scales.
        if (seen.ContainsKey(Setting.StepValues) && !seen.ContainsKey(Setting.Scales))
        {
            settings = settings with { Scales = null };
        }

        if (seen.ContainsKey(Setting.Gamma) && !seen.ContainsKey(Setting.StepScale))
        {
            settings = settings with { StepScale = null };
        }

        if (policyVocabulary == Vocabulary.Darknet && !seen.ContainsKey(Setting.Power))
        {
            settings = settings with { Power = 4f };
        }

        if (seen.ContainsKey(Setting.Power) && (seen.ContainsKey(Setting.BurnIn) || policyVocabulary == Vocabulary.Darknet))
        {
            // Darknet's burn-in curve uses the [net] section's power.
            settings = settings with { BurnInPower = settings.Power };
        }

        Validate(settings, seen, filePath);
        return settings;
    }

    private static SolverSettings Apply(SolverSettings s, Field f, Setting setting, Vocabulary vocabulary) => setting switch
    {
        Setting.Optimizer => s with { Optimizer = ParseOptimizer(f, vocabulary) },
        Setting.LearningRate => s with { BaseLearningRate = f.NonNegativeFloat() },
        Setting.Momentum => s with { Momentum = f.NonNegativeFloat() },
        Setting.Beta1 => s with { Beta1 = f.UnitFloat() },
        Setting.Beta2 => s with { Beta2 = f.UnitFloat() },
        Setting.Epsilon => s with { Epsilon = f.NonNegativeFloat() },
        Setting.WeightDecay => s with { WeightDecay = f.NonNegativeFloat() },
        Setting.Dampening => s with { Dampening = f.NonNegativeFloat() },
        Setting.Policy => s with { Policy = ParsePolicy(f, vocabulary) },
        Setting.Gamma => s with { Gamma = f.Float() },
        Setting.StepScale => s with { StepScale = f.NonNegativeFloat() },
        Setting.StepSize => s with { StepSize = f.Int(1) },
        Setting.StepValues => s with { StepValues = f.IntList() },
        Setting.Scales => s with { Scales = f.FloatList() },
        Setting.Power => s with { Power = f.Float() },
        Setting.MaxIterations => s with { MaxIterations = f.Int(1) },
        Setting.Epochs => s with { Epochs = f.Int(1) },
        Setting.Batch => s with { Batch = f.Int(1) },
        Setting.Subdivisions => s with { Subdivisions = f.Int(1) },
        Setting.BurnIn => s with { BurnIn = f.Int(0) },
        Setting.Warmup => s with { Warmup = f.Int(0) },
        Setting.WarmupStart => s with { WarmupStartFactor = f.FractionFloat() },
        Setting.ClipNorm => s with { ClipGradientNorm = f.NonNegativeFloat() },
        Setting.ClipValue => s with { ClipGradientValue = f.NonNegativeFloat() },
        Setting.Period => s with { CosinePeriod = f.Int(1) },
        Setting.EtaMin => s with { MinimumLearningRate = f.NonNegativeFloat() },
        Setting.Restart => s with { CosineRestart = f.Bool() },
        Setting.PeriodMultiplier => s with { CosinePeriodMultiplier = f.Int(1) },
        Setting.Seed => s with { Seed = f.Int(int.MinValue) },
        Setting.Net => s with { NetPath = f.Text() },
        Setting.TestIterations => s with { TestIterations = f.Int(1) },
        Setting.TestInterval => s with { TestInterval = f.Int(1) },
        Setting.Display => s with { DisplayInterval = f.Int(0) },
        Setting.Snapshot => s with { SnapshotInterval = f.Int(0) },
        Setting.SnapshotPrefix => s with { SnapshotPrefix = f.Text() },
        Setting.SolverMode => f.Text() is "CPU" or "GPU" ? s : throw f.Error($"expected CPU or GPU, got '{f.Text()}'"),
        _ => f.Text() == "L2" ? s : throw f.Error($"only L2 regularization (weight decay) is supported, got '{f.Text()}'"),
    };

    private static OptimizerKind ParseOptimizer(Field f, Vocabulary vocabulary)
    {
        string text = f.Text();
        switch (vocabulary)
        {
            case Vocabulary.Darknet:
                return f.Int(0) switch
                {
                    0 => OptimizerKind.Sgd,
                    1 => OptimizerKind.Adam,
                    _ => throw f.Error($"expected 0 or 1, got '{text}'"),
                };
            case Vocabulary.Caffe:
                int caffe = Array.FindIndex(s_caffeTypes, t => string.Equals(t, text, StringComparison.OrdinalIgnoreCase));
                return caffe switch
                {
                    0 => OptimizerKind.Sgd,
                    1 => OptimizerKind.Nesterov,
                    2 => OptimizerKind.Adam,
                    _ => throw f.Error($"expected one of {string.Join(", ", s_caffeTypes)}, got '{text}'"),
                };
            default:
                int ours = Array.FindIndex(s_ourOptimizers, t => string.Equals(t, text, StringComparison.OrdinalIgnoreCase));
                return ours >= 0 ? (OptimizerKind)ours : throw f.Error($"expected one of {string.Join(", ", s_ourOptimizers)}, got '{text}'");
        }
    }

    private static LearningRatePolicy ParsePolicy(Field f, Vocabulary vocabulary)
    {
        string text = f.Text();
        string[] names = vocabulary switch
        {
            Vocabulary.Caffe => s_caffePolicies,
            Vocabulary.Darknet => s_darknetPolicies,
            _ => s_ourPolicies,
        };
        string? name = Array.Find(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return name switch
        {
            "fixed" or "constant" => LearningRatePolicy.Fixed,
            "step" => LearningRatePolicy.Step,
            "multistep" or "steps" => LearningRatePolicy.MultiStep,
            "exp" => LearningRatePolicy.Exponential,
            "inv" => LearningRatePolicy.Inverse,
            "poly" => LearningRatePolicy.Polynomial,
            "sigmoid" => vocabulary == Vocabulary.Darknet ? LearningRatePolicy.DarknetSigmoid : LearningRatePolicy.Sigmoid,
            "cosine" => LearningRatePolicy.Cosine,
            _ => throw f.Error($"expected one of {string.Join(", ", names)}, got '{text}'"),
        };
    }

    private static void Validate(SolverSettings s, Dictionary<Setting, Field> seen, string? filePath)
    {
        // Errors point at the key that caused them, else at the policy, else at the file.
        InputFormatException At(string message, params Setting[] candidates)
        {
            foreach (Setting candidate in candidates)
            {
                if (seen.TryGetValue(candidate, out Field field))
                {
                    return field.Error(message);
                }
            }

            return new InputFormatException(message) { FilePath = filePath };
        }

        if (s.BaseLearningRate is null)
        {
            throw new InputFormatException("no learning rate: expected base_lr (Caffe), learning_rate (Darknet) or lr") { FilePath = filePath, FieldPath = "base_lr" };
        }

        switch (s.Policy)
        {
            case LearningRatePolicy.Step or LearningRatePolicy.Sigmoid or LearningRatePolicy.DarknetSigmoid when s.StepSize is null:
                throw At($"policy '{Describe(s.Policy)}' needs a step size: stepsize (Caffe), step (Darknet) or step_size", Setting.Policy);
            case LearningRatePolicy.MultiStep when s.StepValues.Count == 0:
                throw At($"policy '{Describe(s.Policy)}' needs step boundaries: stepvalue (Caffe), steps (Darknet) or milestones", Setting.Policy);
            case LearningRatePolicy.Polynomial when s.MaxIterations is null:
                throw At("policy 'poly' needs max_iter (Caffe) or max_batches (Darknet)", Setting.Policy);
            case LearningRatePolicy.Cosine when s.CosinePeriod is null && s.MaxIterations is null:
                throw At("policy 'cosine' needs period or max_iter", Setting.Policy);
            default:
                break;
        }

        if (s.Policy == LearningRatePolicy.MultiStep)
        {
            for (int i = 1; i < s.StepValues.Count; i++)
            {
                if (s.StepValues[i] < s.StepValues[i - 1])
                {
                    throw At($"step boundaries must not decrease, got {s.StepValues[i - 1]} then {s.StepValues[i]}", Setting.StepValues, Setting.Policy);
                }
            }

            if (s.Scales is not null && s.Scales.Count != s.StepValues.Count)
            {
                throw At($"expected one scale per step boundary ({s.StepValues.Count}), got {s.Scales.Count}", Setting.Scales, Setting.StepValues, Setting.Policy);
            }

            if (s.Scales is null && seen.TryGetValue(Setting.Policy, out Field p) && p.Key == "policy")
            {
                throw p.Error("Darknet's 'steps' policy needs scales (one per step)");
            }
        }

        if (s.Optimizer == OptimizerKind.Nesterov && s.Momentum <= 0f)
        {
            throw At("Nesterov needs a positive momentum", Setting.Optimizer, Setting.Momentum);
        }

        if (s.Optimizer is OptimizerKind.Sgd && s.Dampening > 0f && s.Momentum <= 0f)
        {
            throw At("dampening needs a positive momentum", Setting.Dampening, Setting.Momentum);
        }
    }

    private static string Describe(LearningRatePolicy policy) => policy switch
    {
        LearningRatePolicy.MultiStep => "multistep/steps",
        LearningRatePolicy.DarknetSigmoid => "sigmoid",
        _ => policy.ToString().ToLowerInvariant(),
    };

    private static List<Field> ReadFields(string yaml, string filePath)
    {
        var parser = new Parser(new StringReader(yaml));
        var fields = new List<Field>();
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            return fields;
        }

        parser.Consume<DocumentStart>();
        if (parser.TryConsume<MappingStart>(out _))
        {
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out Scalar? key))
                {
                    throw Located(parser.Current, filePath, null, "expected a key (a word followed by ':')");
                }

                Field field = ReadValue(parser, filePath, key.Value);
                int earlier = fields.FindIndex(f => f.Key == field.Key);
                if (earlier >= 0 && field.Key == "stepvalue")
                {
                    // Caffe's stepvalue is a repeated field: one line per boundary.
                    fields[earlier] = fields[earlier] with { Scalar = null, Items = [.. fields[earlier].Items ?? [], .. field.Items ?? []] };
                    continue;
                }

                if (earlier >= 0)
                {
                    throw field.Error($"'{field.Key}' is set twice (also at line {fields[earlier].Line}); keep one");
                }

                fields.Add(field);
            }
        }
        else if (parser.TryConsume<Scalar>(out Scalar? scalar) && scalar.Value.Length == 0)
        {
            // An empty document: no settings.
        }
        else
        {
            throw Located(parser.Current, filePath, null, "expected a mapping of solver keys to values (key: value per line)");
        }

        parser.Consume<DocumentEnd>();
        if (!parser.Accept<StreamEnd>(out _))
        {
            throw Located(parser.Current, filePath, null, "expected one YAML document, found another after '---'");
        }

        return fields;
    }

    private static Field ReadValue(Parser parser, string filePath, string key)
    {
        ParsingEvent? start = parser.Current;
        int? line = start is null ? null : (int)start.Start.Line;
        int? column = start is null ? null : (int)start.Start.Column;
        if (parser.TryConsume<Scalar>(out Scalar? scalar))
        {
            string text = scalar.Value;
            return new Field(key, text, text.Contains(',', StringComparison.Ordinal) ? SplitList(text) : [text], filePath, line, column, key);
        }

        if (parser.TryConsume<SequenceStart>(out _))
        {
            var items = new List<string>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out Scalar? item))
                {
                    throw Located(parser.Current, filePath, key, "expected a list of numbers");
                }

                items.Add(item.Value);
            }

            return new Field(key, null, items, filePath, line, column, key);
        }

        throw Located(start, filePath, key, "expected a number, a word or a list, got a mapping");
    }

    private static InputFormatException Located(ParsingEvent? at, string filePath, string? key, string message) => new(message)
    {
        FilePath = filePath,
        Line = at is null ? null : (int)at.Start.Line,
        Column = at is null ? null : (int)at.Start.Column,
        FieldPath = key,
    };

    private static string[] SplitList(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string FirstLine(string message) => message.ReplaceLineEndings("\n").Split('\n')[0];

    /// <summary>One key of a solver file or [net] section, with where it is, and typed readers that throw located errors.</summary>
    private readonly record struct Field(string Key, string? Scalar, IReadOnlyList<string>? Items, string? FilePath, int? Line, int? Column, string FieldPath)
    {
        public InputFormatException Error(string message) =>
            new(message) { FilePath = FilePath, Line = Line, Column = Column, FieldPath = FieldPath };

        public string Text() => Scalar ?? throw Error("expected a single value, got a list");

        public float Float()
        {
            string text = Text();
            return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
                ? value
                : throw Error($"expected a number, got '{text}'");
        }

        public float NonNegativeFloat()
        {
            float value = Float();
            return value >= 0f ? value : throw Error($"expected a number ≥ 0, got '{Text()}'");
        }

        public float UnitFloat()
        {
            float value = Float();
            return value is >= 0f and < 1f ? value : throw Error($"expected a number in [0, 1), got '{Text()}'");
        }

        public float FractionFloat()
        {
            float value = Float();
            return value is >= 0f and <= 1f ? value : throw Error($"expected a number in [0, 1], got '{Text()}'");
        }

        public int Int(int minimum)
        {
            string text = Text();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                throw Error($"expected an integer, got '{text}'");
            }

            return value >= minimum ? value : throw Error($"expected an integer ≥ {minimum}, got '{text}'");
        }

        public bool Bool()
        {
            string text = Text();
            return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw Error($"expected true or false, got '{text}'"),
            };
        }

        public int[] IntList()
        {
            IReadOnlyList<string> items = Items ?? [];
            var result = new int[items.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = int.TryParse(items[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                    ? v
                    : throw Error($"expected a list of integers, item {i + 1} is '{items[i]}'");
            }

            return result;
        }

        public float[] FloatList()
        {
            IReadOnlyList<string> items = Items ?? [];
            var result = new float[items.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = float.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) && v >= 0f
                    ? v
                    : throw Error($"expected a list of numbers ≥ 0, item {i + 1} is '{items[i]}'");
            }

            return result;
        }
    }
}
