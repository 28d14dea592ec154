using Converters.Ir;
using Converters.Ir.Schemas;

namespace Converters.Plugins.TensorFlow.Tests.Writing;

/// <summary>Builds small IR models with seeded weights for the writer's tests.</summary>
internal sealed class IrModelBuilder
{
    private readonly Random _random;

    public IrModelBuilder(int seed = 1) => _random = new Random(seed);

    public Graph Graph { get; } = new() { Name = "net" };

    public string Input(string name, params int[] dims)
    {
        Graph.Inputs.Add(new ValueInfo(name, DataType.Float32, TensorShape.Of(dims)));
        return name;
    }

    /// <summary>An initializer with seeded values in [low, high).</summary>
    public string Weight(string name, float low, float high, params int[] dims)
    {
        var shape = TensorShape.Of(dims);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(low + (_random.NextDouble() * (high - low)));
        }

        return Graph.AddInitializer(name, TensorData.Create(shape, values));
    }

    /// <summary>Adds a node whose one output value is named like the node.</summary>
    public string Op(string name, string opType, string[] inputs, params (string Name, AttributeValue Value)[] attributes)
    {
        var node = new Node(opType, name, inputs, [name]);
        foreach ((string key, AttributeValue value) in attributes)
        {
            node.Attributes[key] = value;
        }

        Graph.Nodes.Add(node);
        return name;
    }

    /// <summary>Conv with seeded OIHW weights and bias.</summary>
    public string Conv(string name, string x, int inputs, int outputs, int kernel, int stride, int[] pads, int group = 1, int dilation = 1) =>
        Op(
            name,
            "Conv",
            [x, Weight(name + "_w", -0.5f, 0.5f, outputs, inputs / group, kernel, kernel), Weight(name + "_b", -0.5f, 0.5f, outputs)],
            ("strides", AttributeValue.FromInts(stride, stride)),
            ("pads", AttributeValue.FromInts(pads)),
            ("group", (long)group),
            ("dilations", AttributeValue.FromInts(dilation, dilation)));

    /// <summary>BatchNormalization with seeded parameters (variance in [0.2, 2)).</summary>
    public string BatchNorm(string name, string x, int channels, string mode, double epsilon) =>
        Op(
            name,
            "BatchNormalization",
            [x, Weight(name + "_scale", 0.5f, 1.5f, channels), Weight(name + "_bias", -0.5f, 0.5f, channels), Weight(name + "_mean", -0.5f, 0.5f, channels), Weight(name + "_var", 0.2f, 2f, channels)],
            ("epsilon", epsilon),
            ("epsilon_mode", mode));

    public Model Build(params string[] outputs)
    {
        Graph.Outputs.AddRange(outputs);
        ShapeInference.Run(Graph);
        return new Model(Graph);
    }
}
