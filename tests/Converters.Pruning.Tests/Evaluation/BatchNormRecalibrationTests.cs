using Converters.Engine;
using Converters.Engine.Data;
using Converters.Ir;
using Converters.Pruning.Evaluation;
using Converters.Pruning.Tests.Transform;

namespace Converters.Pruning.Tests.Evaluation;

public class BatchNormRecalibrationTests
{
    [Fact]
    public void Recalibrate_FirstBatchNorm_RunningMeanIsTheMeanOfItsInputOverTheBatches()
    {
        // Given: a BN net with stale statistics and 3 batches of 16 synthetic images
        Model model = PruningTestModels.FromCfg(Topologies.PlainChain, 3);
        IDataset data = DatasetSpec.Open("synthetic:shapes?n=64&size=16");
        const int batches = 3, batch = 16, seed = 9;

        // When
        Model recalibrated = BatchNormRecalibration.Recalibrate(model, data, batches, batch, seed);

        // Then: the first BN's running mean is the per-channel mean of the first conv's output over
        // exactly those 48 samples (the first BN sees the same input in train mode as in inference),
        // computed here with the inference engine
        int[] order = [.. Enumerable.Range(0, data.Count)];
        new Random(seed).Shuffle(order);
        Node bn = recalibrated.Graph.Nodes.First(n => n.OpType == "BatchNormalization");
        var session = new InferenceSession(model, new InferenceSessionOptions { KeepAlive = [bn.Inputs[0]] });
        int channels = recalibrated.Graph.Initializers[bn.Inputs[1]].Shape[0];
        var sum = new double[channels];
        long count = 0;
        float[] x = new float[3 * 16 * 16];
        foreach (int index in order.Take(batches * batch))
        {
            data.ReadSample(index, x);
            TensorData y = session.Run(new Dictionary<string, TensorData> { [model.Graph.Inputs[0].Name] = TensorData.Create(model.Graph.Inputs[0].Shape, x) }, [bn.Inputs[0]])[bn.Inputs[0]];
            int plane = y.Shape[2] * y.Shape[3];
            ReadOnlySpan<float> v = y.AsSpan<float>();
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < plane; i++)
                {
                    sum[c] += v[(c * plane) + i];
                }
            }

            count += plane;
        }

        ReadOnlySpan<float> mean = recalibrated.Graph.Initializers[bn.Inputs[3]].AsSpan<float>();
        for (int c = 0; c < channels; c++)
        {
            ((double)mean[c]).ShouldBe(sum[c] / count, 1e-4);
        }

        // And: the input model keeps its statistics
        model.Graph.Initializers[bn.Inputs[3]].AsSpan<float>()[0].ShouldNotBe(mean[0]);
    }

    [Fact]
    public void Recalibrate_ModelWithoutBatchNorm_ReturnsItUnchanged()
    {
        Model model = PruningTestModels.FromCfg("[net]\nwidth=16\nheight=16\nchannels=3\n\n[convolutional]\nfilters=4\nsize=3\nstride=1\npad=1\nactivation=relu\n");

        BatchNormRecalibration.Recalibrate(model, DatasetSpec.Open("synthetic:shapes?n=8&size=16")).ShouldBeSameAs(model);
    }
}
