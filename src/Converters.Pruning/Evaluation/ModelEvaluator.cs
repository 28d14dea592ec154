using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Engine.Training.Solver;
using Converters.Ir;

namespace Converters.Pruning.Evaluation;

/// <summary>
/// The metric a pruning decision is judged by: top-1 for classification, mAP@0.5 for detection, on
/// the first <see cref="TestIterations"/> batches of the test set — the same computation as
/// <c>converters train</c>'s test column (the trainer's evaluation, BN in inference mode).
/// </summary>
public sealed class ModelEvaluator
{
    /// <summary>Creates an evaluator.</summary>
    /// <param name="test">The test set.</param>
    /// <param name="batch">Samples per batch.</param>
    /// <param name="testIterations">Batches to evaluate on; null: the whole set.</param>
    /// <param name="threads">Threads.</param>
    public ModelEvaluator(IDataset test, int batch = 64, int? testIterations = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (testIterations is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(testIterations), testIterations, "test_iter must be positive.");
        }

        Batch = Math.Min(batch, test.Count);
        TestIterations = testIterations;
        Test = testIterations is int n ? new DatasetSubset(test, n * Batch) : test;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    /// <summary>The samples evaluated.</summary>
    public IDataset Test { get; }

    /// <summary>Samples per batch.</summary>
    public int Batch { get; }

    /// <summary>Batches evaluated; null: all.</summary>
    public int? TestIterations { get; }

    /// <summary>Threads.</summary>
    public int Threads { get; }

    /// <summary>The metric's name: <c>top1</c> or <c>mAP@0.5</c>.</summary>
    public string MetricName => Test.Task == DatasetTask.Classification ? "top1" : "mAP@0.5";

    /// <summary>The metric of <paramref name="model"/> on the test samples.</summary>
    public double Evaluate(Model model, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);

        // A trainer that never steps: its evaluation is the one training reports.
        var solver = new SolverSettings { BaseLearningRate = 0f, MaxIterations = 1 };
        var trainer = new Trainer(model, Test, null, solver.CreateOptimizer(), solver.CreateSchedule(), new TrainerOptions { Batch = Batch, MaxThreads = Threads });
        return trainer.Evaluate(Test, cancellation);
    }
}
