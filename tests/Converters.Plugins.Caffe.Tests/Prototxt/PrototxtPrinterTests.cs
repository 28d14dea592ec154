using Converters.Plugins.Caffe.Prototxt;
using Converters.Plugins.Caffe.Proto;

namespace Converters.Plugins.Caffe.Tests.Prototxt;

public sealed class PrototxtPrinterTests
{
    [Fact]
    public void Print_Net_WritesCaffeStyle()
    {
        // Given
        var net = new NetParameter { Name = "n" };
        var layer = new LayerParameter { Name = "pool", Type = "Pooling", PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, KernelSize = 3 } };
        layer.Bottom.Add("x");
        layer.Top.Add("y");
        net.Layer.Add(layer);
        var eltwise = new LayerParameter { Name = "e\"q", EltwiseParam = new EltwiseParameter() };
        eltwise.EltwiseParam.Coeff.AddRange([0.1f, 1e-5f, float.NegativeInfinity]);
        net.Layer.Add(eltwise);

        // When
        string text = PrototxtPrinter.Print(net, [" header"], new Dictionary<Google.Protobuf.IMessage, List<string>>(ReferenceEqualityComparer.Instance) { [layer] = [" a pool"] });

        // Then
        text.ShouldBe("""
            # header

            name: "n"
            # a pool
            layer {
              name: "pool"
              type: "Pooling"
              bottom: "x"
              top: "y"
              pooling_param {
                pool: AVE
                kernel_size: 3
              }
            }
            layer {
              name: "e\"q"
              eltwise_param {
                coeff: 0.1
                coeff: 1e-05
                coeff: -inf
              }
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Print_ThenParse_GivesTheSameMessage()
    {
        // Given: every scalar kind, a nested message, repeated values and a string with control characters
        var solver = new SolverParameter { Net = "a\tb\u0001\u00e9", BaseLr = 0.1f, RandomSeed = -5, SolverMode = SolverParameter.Types.SolverMode.Cpu, Delta = 1e-300f };
        solver.TestIter.AddRange([1, int.MaxValue, int.MinValue]);
        solver.TrainState = new NetState { Phase = Phase.Train, Stage = { "s1" } };

        // When
        string text = PrototxtPrinter.Print(solver);
        var back = (SolverParameter)PrototxtParser.Parse<SolverParameter>("s.prototxt", text).Root;

        // Then
        back.ShouldBe(solver);
        PrototxtPrinter.Print(back).ShouldBe(text);
    }
}
