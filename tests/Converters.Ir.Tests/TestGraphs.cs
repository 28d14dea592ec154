using Converters.Ir.Schemas;

namespace Converters.Ir.Tests;

/// <summary>Builds small graphs for schema, verifier and statistics tests.</summary>
internal static class TestGraphs
{
    /// <summary>
    /// A graph with data inputs <c>x0..</c> of <paramref name="dataInputs"/> shapes, zero initializers
    /// <c>w0..</c> of <paramref name="weights"/> shapes, and one node <c>n</c> reading them (data
    /// first) and writing <paramref name="outputs"/> values <c>y0..</c>.
    /// </summary>
    public static Graph Single(string opType, TensorShape[] dataInputs, TensorShape[] weights, int outputs = 1, params (string Name, AttributeValue Value)[] attributes)
    {
        var graph = new Graph { Name = "test" };
        var inputs = new List<string>();
        for (int i = 0; i < dataInputs.Length; i++)
        {
            graph.Inputs.Add(new ValueInfo($"x{i}", DataType.Float32, dataInputs[i]));
            inputs.Add($"x{i}");
        }

        for (int i = 0; i < weights.Length; i++)
        {
            inputs.Add(graph.AddInitializer($"w{i}", TensorData.Zeros(DataType.Float32, weights[i])));
        }

        var node = new Node(opType, "n", inputs, Enumerable.Range(0, outputs).Select(i => $"y{i}"));
        foreach ((string name, AttributeValue value) in attributes)
        {
            node.Attributes[name] = value;
        }

        graph.Add(node);
        graph.Outputs.AddRange(node.Outputs);
        return graph;
    }

    /// <summary>One data input, optional weights.</summary>
    public static Graph Single(string opType, TensorShape x, TensorShape[] weights, params (string Name, AttributeValue Value)[] attributes) =>
        Single(opType, [x], weights, 1, attributes);

    /// <summary>One data input, no weights.</summary>
    public static Graph Single(string opType, TensorShape x, params (string Name, AttributeValue Value)[] attributes) =>
        Single(opType, [x], [], 1, attributes);

    /// <summary>Runs inference and returns the shape of output <paramref name="index"/>.</summary>
    public static TensorShape Infer(Graph graph, int index = 0)
    {
        ShapeInference.Run(graph);
        return graph.ValueInfos[$"y{index}"].Shape;
    }

    public static TensorShape S(params int[] dims) => TensorShape.Of(dims);

    public static (string, AttributeValue) A(string name, AttributeValue value) => (name, value);

    public static (string, AttributeValue) Ints(string name, params int[] values) => (name, AttributeValue.FromInts(values));

    public static (string, AttributeValue) Floats(string name, params double[] values) => (name, AttributeValue.FromFloats(values));
}
