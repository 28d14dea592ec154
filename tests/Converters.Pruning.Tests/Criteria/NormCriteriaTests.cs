using Converters.Ir;
using Converters.Pruning.Criteria;
using Converters.Pruning.Dependency;
using Converters.Pruning.Tests.Transform;

namespace Converters.Pruning.Tests.Criteria;

public class NormCriteriaTests
{
    private static readonly Model s_model = PruningTestModels.FromCfg(Topologies.Residual, 11);

    private static float[] W(string tensor) => s_model.Graph.Initializers[tensor].AsSpan<float>().ToArray();

    private static string Input(string node, int index) => s_model.Graph.Nodes.First(n => n.Name == node).Inputs[index];

    /// <summary>Σ|w| over output channel c of a conv weight [O, I, k, k].</summary>
    private static double Row(string conv, int c)
    {
        TensorShape shape = s_model.Graph.Initializers[Input(conv, 1)].Shape;
        int row = (int)(shape.ElementCount / shape[0]);
        return W(Input(conv, 1)).Skip(c * row).Take(row).Sum(x => Math.Abs((double)x));
    }

    /// <summary>Σ|w| over input channel c of a conv weight [O, I, k, k].</summary>
    private static double Column(string conv, int c)
    {
        TensorShape shape = s_model.Graph.Initializers[Input(conv, 1)].Shape;
        int kernel = shape[2] * shape[3];
        float[] w = W(Input(conv, 1));
        double sum = 0;
        for (int o = 0; o < shape[0]; o++)
        {
            sum += w.Skip(((o * shape[1]) + c) * kernel).Take(kernel).Sum(x => Math.Abs((double)x));
        }

        return sum;
    }

    [Fact]
    public void Score_ResidualStage_SumsOverEveryCoupledTensor()
    {
        // Given: the first stage of the residual net: producers 0.conv and 2.conv (shortcut), read by 1.conv, 4.conv, 6.conv
        PruningGroup group = DependencyAnalysis.Analyze(s_model).Single(g => g.Id == "0.conv");

        // When
        float[] l1 = new L1NormCriterion().Score(s_model, group);
        float[] l2 = new L2NormCriterion().Score(s_model, group);
        float[] gamma = new BatchNormScaleCriterion().Score(s_model, group);
        float[] groupL1 = new GroupL1Criterion().Score(s_model, group);

        // Then: each matches the sums written out here from the tensors
        for (int c = 0; c < group.ChannelCount; c++)
        {
            double filters = Row("0.conv", c) + Row("2.conv", c);
            ((double)l1[c]).ShouldBe(filters, 1e-4);
            double squares = new[] { "0.conv", "2.conv" }.Sum(conv =>
            {
                TensorShape shape = s_model.Graph.Initializers[Input(conv, 1)].Shape;
                int row = (int)(shape.ElementCount / shape[0]);
                return W(Input(conv, 1)).Skip(c * row).Take(row).Sum(x => (double)x * x);
            });
            ((double)l2[c]).ShouldBe(Math.Sqrt(squares), 1e-4);
            double bn = Math.Abs(W(Input("0.bn", 1))[c]) + Math.Abs(W(Input("2.bn", 1))[c]);
            ((double)gamma[c]).ShouldBe(bn, 1e-5);
            double shifts = Math.Abs(W(Input("0.bn", 2))[c]) + Math.Abs(W(Input("2.bn", 2))[c]);
            double columns = Column("1.conv", c) + Column("4.conv", c) + Column("6.conv", c);
            ((double)groupL1[c]).ShouldBe(filters + bn + shifts + columns, 1e-3);
        }
    }

    [Fact]
    public void Score_GroupWithoutBatchNorm_BnGammaNamesTheGroup()
    {
        Model model = PruningTestModels.FromCfg("[net]\nwidth=8\nheight=8\nchannels=3\n\n[convolutional]\nfilters=4\nsize=1\nstride=1\npad=1\nactivation=relu\n\n[convolutional]\nfilters=2\nsize=1\nstride=1\npad=1\nactivation=relu\n\n[avgpool]\n\n[softmax]\n");
        PruningGroup group = DependencyAnalysis.Analyze(model).First(g => g.IsPrunable);

        Should.Throw<ArgumentException>(() => new BatchNormScaleCriterion().Score(model, group)).Message.ShouldContain($"group '{group.Id}' passes through no BatchNormalization");
    }
}
