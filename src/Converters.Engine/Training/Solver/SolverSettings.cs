using Converters.Engine.Training.Optimizers;
using Converters.Engine.Training.Schedules;

namespace Converters.Engine.Training.Solver;

/// <summary>
/// Everything a training run needs to know about its optimizer and learning-rate schedule, read from
/// a YAML solver file that takes Caffe solver field names (<c>base_lr</c>, <c>lr_policy</c>, …),
/// Darknet <c>[net]</c> field names (<c>learning_rate</c>, <c>policy</c>, <c>burn_in</c>, …) or ours
/// (<c>lr</c>, <c>optimizer</c>, <c>schedule: cosine</c>, <c>epochs</c>, …); see
/// <see cref="Parse"/>. A Caffe <c>solver.prototxt</c> is accepted as it is (its <c>key: value</c>
/// lines are YAML; repeated <c>stepvalue</c> lines add boundaries; <c>solver_mode</c> is accepted and
/// ignored: training runs on the CPU). Immutable: derive variants with <c>with</c>.
/// </summary>
public sealed partial record SolverSettings
{
    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>The base learning rate; <see langword="null"/> until a file or the model's [net] section sets it.</summary>
    public float? BaseLearningRate { get; init; }

    /// <summary>SGD momentum; for Adam without <see cref="Beta1"/>, Caffe's convention makes it β1.</summary>
    public float Momentum { get; init; }

    /// <summary>Adam's β1 (Darknet <c>B1</c>, ours <c>beta1</c>); <see langword="null"/>: <see cref="Momentum"/> if positive, else 0.9.</summary>
    public float? Beta1 { get; init; }

    /// <summary>Adam's β2 (Caffe <c>momentum2</c>, Darknet <c>B2</c>).</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam's ε (Caffe <c>delta</c>, Darknet <c>eps</c>).</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Weight decay (Caffe <c>weight_decay</c>, Darknet <c>decay</c>).</summary>
    public float WeightDecay { get; init; }

    /// <summary>SGD momentum dampening (ours).</summary>
    public float Dampening { get; init; }

    /// <summary>The schedule's shape.</summary>
    public LearningRatePolicy Policy { get; init; } = LearningRatePolicy.Fixed;

    /// <summary>Caffe/Darknet <c>gamma</c> (the factor of step/multistep/exp, the speed of inv/sigmoid).</summary>
    public float Gamma { get; init; } = 1f;

    /// <summary>Darknet's <c>scale</c> (the factor of its <c>step</c> policy); when set it overrides <see cref="Gamma"/> for <see cref="LearningRatePolicy.Step"/>.</summary>
    public float? StepScale { get; init; }

    /// <summary>Caffe <c>stepsize</c>, Darknet <c>step</c>.</summary>
    public int? StepSize { get; init; }

    /// <summary>Caffe <c>stepvalue</c>, Darknet <c>steps</c>, ours <c>milestones</c>.</summary>
    public IReadOnlyList<int> StepValues { get; init; } = [];

    /// <summary>Darknet <c>scales</c>, one per step value; <see langword="null"/>: <see cref="Gamma"/> at every step (Caffe).</summary>
    public IReadOnlyList<float>? Scales { get; init; }

    /// <summary>The exponent of <c>inv</c> and <c>poly</c>.</summary>
    public float Power { get; init; } = 1f;

    /// <summary>Caffe <c>max_iter</c>, Darknet <c>max_batches</c>.</summary>
    public int? MaxIterations { get; init; }

    /// <summary>Epochs to train (ours).</summary>
    public int? Epochs { get; init; }

    /// <summary>Images per optimizer step (Darknet <c>batch</c>, ours).</summary>
    public int? Batch { get; init; }

    /// <summary>Darknet <c>subdivisions</c>: the batch is run in this many pieces before one step.</summary>
    public int Subdivisions { get; init; } = 1;

    /// <summary>Darknet <c>burn_in</c> warm-up iterations (0: none).</summary>
    public int BurnIn { get; init; }

    /// <summary>The burn-in curve's exponent (Darknet reads <c>power</c>, default 4).</summary>
    public float BurnInPower { get; init; } = 4f;

    /// <summary>Linear warm-up iterations (ours, 0: none).</summary>
    public int Warmup { get; init; }

    /// <summary>The linear warm-up's starting fraction of the rate (ours <c>warmup_start</c>).</summary>
    public float WarmupStartFactor { get; init; }

    /// <summary>Clip gradients to this global L2 norm (Caffe <c>clip_gradients</c>, ours <c>clip_norm</c>; 0: off).</summary>
    public float ClipGradientNorm { get; init; }

    /// <summary>Clip each gradient element to ±this (ours <c>clip_value</c>; 0: off).</summary>
    public float ClipGradientValue { get; init; }

    /// <summary>Cosine period in iterations (ours <c>period</c>); <see langword="null"/>: <see cref="MaxIterations"/>.</summary>
    public int? CosinePeriod { get; init; }

    /// <summary>The cosine schedule's floor (ours <c>eta_min</c>).</summary>
    public float MinimumLearningRate { get; init; }

    /// <summary>Whether the cosine schedule restarts every period (ours <c>restart</c>).</summary>
    public bool CosineRestart { get; init; }

    /// <summary>With restarts, each cosine period's length over the previous one's (ours <c>period_mult</c>, PyTorch's <c>T_mult</c>).</summary>
    public int CosinePeriodMultiplier { get; init; } = 1;

    /// <summary>The random seed (Caffe <c>random_seed</c>, ours <c>seed</c>).</summary>
    public int? Seed { get; init; }

    /// <summary>Caffe's <c>net</c>: the model file the solver names, as written (relative to the solver file).</summary>
    public string? NetPath { get; init; }

    /// <summary>Caffe's <c>test_iter</c>: test batches per evaluation.</summary>
    public int? TestIterations { get; init; }

    /// <summary>Caffe's <c>test_interval</c>: iterations between evaluations.</summary>
    public int? TestInterval { get; init; }

    /// <summary>Caffe's <c>display</c>: iterations between progress lines (0: never).</summary>
    public int? DisplayInterval { get; init; }

    /// <summary>Caffe's <c>snapshot</c>: iterations between checkpoints (0: none).</summary>
    public int? SnapshotInterval { get; init; }

    /// <summary>Caffe's <c>snapshot_prefix</c>.</summary>
    public string? SnapshotPrefix { get; init; }

    /// <summary>Builds the optimizer these settings describe.</summary>
    public Optimizer CreateOptimizer() => Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(Momentum, WeightDecay, Dampening),
        OptimizerKind.Nesterov => new Sgd(Momentum, WeightDecay, 0f, nesterov: true),
        _ => new Adam(Beta1 ?? (Momentum > 0f ? Momentum : 0.9f), Beta2, Epsilon, WeightDecay, Optimizer == OptimizerKind.AdamW),
    };

    /// <summary>Builds the schedule: the policy, inside a linear warm-up and then a burn-in when set.</summary>
    /// <exception cref="InvalidOperationException">A setting the policy needs is missing (files are checked when parsed).</exception>
    public LearningRateSchedule CreateSchedule()
    {
        float rate = BaseLearningRate ?? throw new InvalidOperationException("No base learning rate is set.");
        LearningRateSchedule schedule = Policy switch
        {
            LearningRatePolicy.Fixed => new ConstantSchedule(rate),
            LearningRatePolicy.Step => new StepSchedule(rate, StepScale ?? Gamma, Need(StepSize, "a step size")),
            LearningRatePolicy.MultiStep => new MultiStepSchedule(rate, StepValues, Scales ?? Enumerable.Repeat(Gamma, StepValues.Count).ToArray()),
            LearningRatePolicy.Exponential => new ExponentialSchedule(rate, Gamma),
            LearningRatePolicy.Inverse => new InverseSchedule(rate, Gamma, Power),
            LearningRatePolicy.Polynomial => new PolynomialSchedule(rate, Power, Need(MaxIterations, "a maximum iteration")),
            LearningRatePolicy.Sigmoid => new SigmoidSchedule(rate, Gamma, Need(StepSize, "a step size")),
            LearningRatePolicy.DarknetSigmoid => SigmoidSchedule.FromDarknet(rate, Gamma, Need(StepSize, "a step size")),
            _ => new CosineAnnealingSchedule(rate, Need(CosinePeriod ?? MaxIterations, "a period or maximum iteration"), MinimumLearningRate, CosineRestart, CosinePeriodMultiplier),
        };
        if (Warmup > 0)
        {
            schedule = new LinearWarmupSchedule(schedule, Warmup, WarmupStartFactor);
        }

        if (BurnIn > 0)
        {
            schedule = new BurnInSchedule(schedule, BurnIn, BurnInPower);
        }

        return schedule;
    }

    private static int Need(int? value, string what) =>
        value ?? throw new InvalidOperationException($"The learning-rate policy needs {what}.");
}
