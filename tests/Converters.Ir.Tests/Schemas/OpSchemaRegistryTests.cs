using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class OpSchemaRegistryTests
{
    [Fact]
    public void Default_HoldsTheArchitectureOpSet()
    {
        string[] required =
        [
            "Conv", "ConvTranspose", "BatchNormalization", "Scale", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Mish", "Swish", "Relu6",
            "HardSigmoid", "Identity", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "Add", "Mul", "Max", "Concat", "Slice",
            "Upsample", "Reorg", "SpaceToDepth", "Flatten", "Reshape", "Softmax", "LRN", "Dropout", "Pad", "ScaleChannels", "Yolo", "Region", "Shortcut",
        ];
        foreach (string op in required)
        {
            OpSchemaRegistry.Default.Find(op).ShouldNotBeNull(op);
        }
    }

    [Fact]
    public void Register_PluginDomain_IsUsedByInference()
    {
        // Given: a plugin op that halves the channels
        var registry = OpSchemaRegistry.CreateStandard();
        registry.Register(new OpSchema("Halve", "acme")
        {
            Inputs = [new("X")],
            InferShapes = c => c.SetOutput(0, c.InputShape(0).With(1, c.InputShape(0)[1] / 2)),
        });
        Graph g = Single("Halve", S(1, 8, 2, 2));
        g.Nodes[0].Domain = "acme";

        // When
        ShapeInference.Run(g, registry);

        // Then
        g.ValueInfos["y0"].Shape.ShouldBe(S(1, 4, 2, 2));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("Halve 'n': no schema for op 'acme.Halve'");
        Should.Throw<ArgumentException>(() => registry.Register(new OpSchema("Halve", "acme") { InferShapes = _ => { } }));
    }
}
