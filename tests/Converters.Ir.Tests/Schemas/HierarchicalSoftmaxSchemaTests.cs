using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

/// <summary>The <c>group_sizes</c> attribute of Softmax and Region (Darknet's hierarchical softmax tree).</summary>
public sealed class HierarchicalSoftmaxSchemaTests
{
    [Fact]
    public void Softmax_GroupSizesCoveringTheAxis_KeepsTheShape()
    {
        // Given: darknet9000's softmax over 1 x 9418 x 1 x 1 split like its tree's first groups, plus the rest
        Graph g = Single("Softmax", S(1, 9418, 1, 1), Ints("group_sizes", 4, 2, 1000, 8412));

        // When / Then
        Infer(g).ShouldBe(S(1, 9418, 1, 1));
    }

    [Theory]
    [InlineData(new[] { 4, 5 }, "Softmax 'n': attribute 'group_sizes'=[4, 5] sizes sum to 9 over 2 groups, but the softmax axis has 10 values")]
    [InlineData(new[] { 4, 0, 6 }, "Softmax 'n': attribute 'group_sizes'=[4, 0, 6] must be a non-empty list of positive group sizes")]
    [InlineData(new int[0], "Softmax 'n': attribute 'group_sizes'=[] must be a non-empty list of positive group sizes")]
    public void Softmax_GroupSizesNotCoveringTheAxis_NamesTheAttribute(int[] sizes, string message)
    {
        // Given
        Graph g = Single("Softmax", S(1, 10), Ints("group_sizes", sizes));

        // When
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));

        // Then
        ex.AttributeName.ShouldBe("group_sizes");
        ex.Message.ShouldBe(message);
    }

    [Fact]
    public void Region_GroupSizesSummingToClasses_KeepsTheShape()
    {
        // Given: 3 anchors x (4 + 6 + 1) channels, classes in groups 2 + 3 + 1
        Graph g = Single("Region", S(1, 33, 4, 4), A("classes", 6L), A("num", 3L), Ints("group_sizes", 2, 3, 1));

        // When / Then
        Infer(g).ShouldBe(S(1, 33, 4, 4));
    }

    [Fact]
    public void Region_GroupSizesNotSummingToClasses_NamesTheAttribute()
    {
        // Given
        Graph g = Single("Region", S(1, 33, 4, 4), A("classes", 6L), A("num", 3L), Ints("group_sizes", 2, 3));

        // When
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));

        // Then
        ex.AttributeName.ShouldBe("group_sizes");
        ex.Message.ShouldBe("Region 'n': attribute 'group_sizes'=[2, 3] sizes sum to 5 over 2 groups, but 'classes' has 6 values");
    }
}
