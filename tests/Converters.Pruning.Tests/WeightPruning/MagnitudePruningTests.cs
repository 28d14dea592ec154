using System.Globalization;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Pruning.Tests.Transform;
using Converters.Pruning.WeightPruning;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Pruning.Tests.WeightPruning;

public class MagnitudePruningTests(ITestOutputHelper output)
{
    /// <summary>Reads weight .npy files, prunes them with torch.nn.utils.prune, writes the masks.</summary>
    private const string Script = """
        import sys
        import numpy as np
        import torch
        import torch.nn.utils.prune as prune
        folder, amount, mode, count = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        holders = []
        for i in range(count):
            m = torch.nn.Module()
            m.weight = torch.nn.Parameter(torch.from_numpy(np.load(f'{folder}/w{i}.npy')))
            holders.append(m)
        if mode == 'global':
            prune.global_unstructured([(m, 'weight') for m in holders], pruning_method=prune.L1Unstructured, amount=amount)
        else:
            for m in holders:
                prune.l1_unstructured(m, 'weight', amount=amount)
        for i, m in enumerate(holders):
            np.save(f'{folder}/m{i}.npy', m.weight_mask.numpy().astype(np.float32))
        print('ok')
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_SameWeights_GivesTorchsMasks(bool global)
    {
        if (!Oracle.Python.Require(output, "torch", "numpy"))
        {
            return;
        }

        // Given: a model with seeded random weights
        Model model = PruningTestModels.FromCfg(Topologies.PlainChain, 4);

        // When: 60 % of the weights are pruned by magnitude, here and by torch
        WeightPruningResult result = MagnitudePruning.Apply(model, 0.6, global);
        using var folder = new TempDirectory();
        for (int i = 0; i < result.Layers.Count; i++)
        {
            NpyWriter.Write(folder.Combine($"w{i}.npy"), model.Graph.Initializers[result.Layers[i].Tensor]);
        }

        Oracle.Python.Run(Script, folder.Path, "0.6", global ? "global" : "layer", result.Layers.Count.ToString(CultureInfo.InvariantCulture)).Trim().ShouldBe("ok");

        // Then: the masks are torch's, and the pruned weights are zero in the returned model only
        result.Layers.Count.ShouldBe(4);
        for (int i = 0; i < result.Layers.Count; i++)
        {
            string tensor = result.Layers[i].Tensor;
            result.Masks[tensor].ShouldBe(NpyReader.Read(folder.Combine($"m{i}.npy")).AsSpan<float>().ToArray(), tensor);
            ReadOnlySpan<float> pruned = result.Model.Graph.Initializers[tensor].AsSpan<float>();
            for (int k = 0; k < pruned.Length; k++)
            {
                if (result.Masks[tensor][k] == 0)
                {
                    pruned[k].ShouldBe(0f);
                }
            }
        }

        result.Sparsity.ShouldBe(0.6, 0.01);
        if (!global)
        {
            result.Layers.ShouldAllBe(l => Math.Abs(l.Sparsity - 0.6) < 0.01);
        }

        result.CompressedBytes.ShouldBeLessThan(result.DenseBytes / 2);
        model.Graph.Initializers[result.Layers[0].Tensor].AsSpan<float>().IndexOf(0f).ShouldBe(-1, "the input model is untouched");
    }

    [Fact]
    public void Apply_TiedMagnitudes_PrunesEarlierPositionsFirst()
    {
        // Given: a 1x1 conv whose 8 weights all have magnitude 0.5 except two smaller ones
        Model model = PruningTestModels.FromCfg("[net]\nwidth=4\nheight=4\nchannels=2\n\n[convolutional]\nfilters=4\nsize=1\nstride=1\npad=1\nactivation=linear\n\n[avgpool]\n\n[softmax]\n");
        string w = model.Graph.Nodes.First(n => n.OpType == "Conv").Inputs[1];
        float[] values = [0.5f, -0.5f, 0.1f, 0.5f, -0.2f, 0.5f, 0.5f, -0.5f];
        values.CopyTo(model.Graph.Initializers[w].AsSpan<float>());

        // When: half are pruned
        WeightPruningResult result = MagnitudePruning.Apply(model, 0.5, global: false);

        // Then: the two small ones, then the first two of the ties (positions 0 and 1)
        result.Masks[w].ShouldBe([0f, 0f, 0f, 1f, 0f, 1f, 1f, 1f]);
    }

    [Fact]
    public void Apply_ExcludedLayer_StaysDense()
    {
        Model model = PruningTestModels.FromCfg(Topologies.PlainChain, 4);

        WeightPruningResult result = MagnitudePruning.Apply(model, 0.5, global: true, ["5.gemm"]);

        result.Layers.Select(l => l.Node).ShouldNotContain("5.gemm");
    }

    [Fact]
    public void Apply_BadArguments_Throw()
    {
        Model model = PruningTestModels.FromCfg(Topologies.PlainChain, 4);

        Should.Throw<ArgumentOutOfRangeException>(() => MagnitudePruning.Apply(model, 1.0, global: true));
        Should.Throw<ArgumentException>(() => MagnitudePruning.Apply(model, 0.5, global: true, ["nope"])).Message.ShouldContain("no layer 'nope'");
    }

    [Fact]
    public void Schedule_Cubic_RisesFromInitialToFinal()
    {
        MagnitudePruning.Schedule(0, 0.8, 0, 10).ShouldBe(0);
        MagnitudePruning.Schedule(0, 0.8, 5, 10).ShouldBe(0.8 - (0.8 * 0.125), 1e-12);
        MagnitudePruning.Schedule(0, 0.8, 10, 10).ShouldBe(0.8);
        MagnitudePruning.Schedule(0, 0.8, 20, 10).ShouldBe(0.8);
    }
}
