using Converters.Ir.Diagnostics;
using Converters.Ir.Verification;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Verification;

public sealed class GraphVerifierTests
{
    /// <summary>x -> conv(w, b) -> c -> relu -> r -> maxpool -> p.</summary>
    private static Graph Chain()
    {
        var g = new Graph { Name = "chain" };
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, S(1, 3, 8, 8)));
        g.AddInitializer("w", TensorData.Zeros(DataType.Float32, S(4, 3, 3, 3)));
        g.AddInitializer("b", TensorData.Zeros(DataType.Float32, S(4)));
        g.Add(new Node("Conv", "conv", ["x", "w", "b"], ["c"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("Relu", "relu", ["c"], ["r"]));
        g.Add(new Node("MaxPool", "pool", ["r"], ["p"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)));
        g.Outputs.Add("p");
        return g;
    }

    [Fact]
    public void Verify_ValidChain_NoIssues()
    {
        GraphVerifier.Verify(Chain()).ShouldBeEmpty();
    }

    [Fact]
    public void Verify_ValueAssignedTwice_ReportsSsa()
    {
        Graph g = Chain();
        g.Nodes[1].Outputs[0] = "c";
        g.Nodes[2].Inputs[0] = "c";
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "Relu 'relu': output 'c' is already defined (values must be assigned once)");
    }

    [Fact]
    public void Verify_NodesOutOfOrder_ReportsTopologicalOrder()
    {
        Graph g = Chain();
        (g.Nodes[1], g.Nodes[2]) = (g.Nodes[2], g.Nodes[1]);
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "MaxPool 'pool': input 'r' is used before the node that produces it (nodes are not in topological order)");
    }

    [Fact]
    public void Verify_UndefinedInput_Reported()
    {
        Graph g = Chain();
        g.Nodes[1].Inputs[0] = "nope";
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "Relu 'relu': input 'nope' is not defined by a graph input, an initializer or any node");
    }

    [Fact]
    public void Verify_DuplicateNodeName_Reported()
    {
        Graph g = Chain();
        g.Nodes[2].Name = "relu";
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "MaxPool 'relu': another node has the same name");
    }

    [Fact]
    public void Verify_UnknownAttributeAndWrongKind_NamesAttribute()
    {
        Graph g = Chain();
        g.Nodes[0].Attributes["groups"] = 2L;
        g.Nodes[2].Attributes["ceil_mode"] = "yes";
        IReadOnlyList<VerificationIssue> issues = GraphVerifier.Verify(g);
        issues.ShouldContain(i => i.AttributeName == "groups" && i.Message == "Conv 'conv': unknown attribute 'groups' (the schema declares: strides, pads, dilations, group)");
        issues.ShouldContain(i => i.AttributeName == "ceil_mode" && i.Message == "MaxPool 'pool': attribute 'ceil_mode'=\"yes\" must be an integer");
    }

    [Fact]
    public void Verify_InitializerOfWrongShape_ReportedThroughInference()
    {
        Graph g = Chain();
        g.Initializers["b"] = TensorData.Zeros(DataType.Float32, S(5));
        GraphVerifier.Verify(g).ShouldHaveSingleItem().Message.ShouldBe("Conv 'conv': input 'B' must have shape 4, got 5");
    }

    [Fact]
    public void Verify_FailureDoesNotCascade()
    {
        // A broken conv should be reported once, not again for every node downstream of it.
        Graph g = Chain();
        g.Nodes[0].Attributes["strides"] = AttributeValue.FromInts(0, 0);
        GraphVerifier.Verify(g).Count.ShouldBe(1);
    }

    [Fact]
    public void Verify_RecordedShapeDisagreesWithInference_Reported()
    {
        Graph g = Chain();
        g.ValueInfos["r"] = new ValueInfo("r", DataType.Float32, S(1, 4, 9, 9));
        GraphVerifier.Verify(g).ShouldHaveSingleItem().Message.ShouldBe("Relu 'relu': output 'r' is recorded as float32[1x4x9x9] but infers as float32[1x4x8x8]");
    }

    [Fact]
    public void Verify_GraphOutputs_MustBeDefinedAndPresent()
    {
        Graph g = Chain();
        g.Outputs.Add("ghost");
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "graph output 'ghost' is not defined by any input, initializer or node");
        g.Outputs.Clear();
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "the graph has no outputs");
    }

    [Fact]
    public void Verify_UnknownOp_And_WrongArity()
    {
        Graph g = Chain();
        g.Nodes[1].OpType = "Frobnicate";
        g.Nodes[2].Inputs.Add("x");
        IReadOnlyList<VerificationIssue> issues = GraphVerifier.Verify(g);
        issues.ShouldContain(i => i.Message == "Frobnicate 'relu': no schema for op 'Frobnicate'");
    }

    [Fact]
    public void Verify_MissingRequiredAttribute_Reported()
    {
        Graph g = Chain();
        g.Nodes[2].Attributes.Remove("kernel_shape");
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "MaxPool 'pool': required attribute 'kernel_shape' is missing" && i.AttributeName == "kernel_shape");
    }

    [Fact]
    public void Verify_InitializerShadowingInput_Reported()
    {
        Graph g = Chain();
        g.AddInitializer("x", TensorData.Zeros(DataType.Float32, S(1, 3, 8, 8)));
        GraphVerifier.Verify(g).ShouldContain(i => i.Message == "initializer 'x' has the name of a graph input");
    }

    [Fact]
    public void VerifyOrThrow_ListsAllIssues()
    {
        Graph g = Chain();
        g.Nodes[0].Attributes["group"] = 5L;
        g.Outputs.Add("ghost");
        GraphVerificationException ex = Should.Throw<GraphVerificationException>(() => GraphVerifier.VerifyOrThrow(g));
        ex.Issues.Count.ShouldBe(2);
        ex.Message.ShouldBe("Conv 'conv': attribute 'group'=5 does not divide input channels 3 (and 1 more problem)");
        ex.NodeName.ShouldBe("conv");
        ex.AttributeName.ShouldBe("group");
    }
}
