using Converters.Engine.Training;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>What training refuses, and how it says so: the exception names the node and the op.</summary>
public class TrainingKernelFactoryTests
{
    [Fact]
    public void Create_OpOutsideTheStandardDomain_ThrowsNamingNodeAndOp()
    {
        // Given a node of a custom domain (no schema, no kernel)
        var graph = new Graph { Name = "custom" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 2)));
        graph.Add(new Node("Frobnicate", "odd", ["x"], ["y"]) { Domain = "com.example" });
        graph.Outputs.Add("y");

        // When / Then
        IrValidationException e = Should.Throw<IrValidationException>(() => new TrainingSession(new Model(graph)));
        e.NodeName.ShouldBe("odd");
        e.OpType.ShouldBe("Frobnicate");
        e.Message.ShouldContain("Frobnicate");
    }

    [Fact]
    public void Create_PReluSlopeNeitherSharedNorPerChannel_ThrowsNamingTheInput()
    {
        // Given PRelu on 3 channels with 2 slopes
        Model model = OneNode("PRelu", [new Arg("x", [1, 3, 2, 2]), new Arg("slope", [2], Initializer: true)], []);

        // When / Then
        IrValidationException e = Should.Throw<IrValidationException>(() => new TrainingSession(model));
        e.NodeName.ShouldBe("n");
        e.OpType.ShouldBe("PRelu");
        e.Message.ShouldStartWith("PRelu 'n': input 'slope'");
    }

    [Fact]
    public void Create_ReorgChannelsNotDivisible_ThrowsNamingTheNode()
    {
        // Given Darknet's reorg with stride 2 on 6 channels (not a multiple of 4)
        Model model = OneNode("Reorg", [new Arg("x", [1, 6, 4, 4])], [("stride", 2L)]);

        // When / Then the forward's own check refuses it at session build, naming the node and op
        IrValidationException e = Should.Throw<IrValidationException>(() => new TrainingSession(model));
        e.NodeName.ShouldBe("n");
        e.OpType.ShouldBe("Reorg");
        e.Message.ShouldStartWith("Reorg 'n': ");
    }
}
