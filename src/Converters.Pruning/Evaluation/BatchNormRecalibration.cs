using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Ir;

namespace Converters.Pruning.Evaluation;

/// <summary>
/// Re-estimates every BatchNormalization's running mean and variance on a few batches, as a train-mode
/// forward pass computes them: each BN normalises with its batch's statistics and the running values
/// become the cumulative average over the batches (batch b enters with weight 1/b, PyTorch's
/// <c>momentum=None</c>). After pruning, the stale statistics of the unpruned model make any metric
/// noise; recalibration alone recovers most of the loss.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>Returns a copy of <paramref name="model"/> with recalibrated BN statistics (the model itself when it has no BN).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples to recalibrate on (a seeded shuffle of them is used).</param>
    /// <param name="batches">How many batches.</param>
    /// <param name="batch">Samples per batch (at most the dataset's size).</param>
    /// <param name="seed">Seed of the sample order.</param>
    /// <param name="threads">Threads (0: all).</param>
    public static Model Recalibrate(Model model, IDataset data, int batches = 8, int batch = 64, int seed = 1, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (!model.Graph.Nodes.Any(n => n.OpType == "BatchNormalization") || data.Count == 0)
        {
            return model;
        }

        batch = Math.Min(batch, data.Count);
        batches = Math.Min(batches, data.Count / batch);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        new Random(seed).Shuffle(order);
        string input = model.Graph.Inputs[0].Name;
        int size = data.Channels * data.Height * data.Width;
        Model current = model;
        for (int b = 0; b < batches; b++)
        {
            var session = new TrainingSession(current, new TrainingSessionOptions
            {
                Batch = batch,
                MaxThreads = threads > 0 ? threads : Environment.ProcessorCount,
                BatchNormMomentum = 1f / (b + 1),
            })
            {
                Training = true,
            };
            Span<float> x = session.Input(input);
            for (int i = 0; i < batch; i++)
            {
                data.ReadSample(order[(b * batch) + i], x.Slice(i * size, size));
            }

            session.Forward();
            current = session.ToModel();
        }

        return current;
    }
}
