namespace Converters.Ir;

/// <summary>
/// A dataflow graph in single static assignment: topologically ordered <see cref="Node"/>s, graph
/// inputs and outputs, and constant initializers. <see cref="ValueInfos"/> holds every value's
/// type and shape once shape inference has run.
/// </summary>
public sealed class Graph
{
    /// <summary>The graph's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The values fed by the caller, with their types and shapes.</summary>
    public List<ValueInfo> Inputs { get; } = [];

    /// <summary>The names of the values the graph returns, in order.</summary>
    public List<string> Outputs { get; } = [];

    /// <summary>The nodes, in topological order.</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Constant tensors (weights, biases, statistics) by value name, in insertion order.</summary>
    public OrderedDictionary<string, TensorData> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every value's type and shape, filled by <see cref="Schemas.ShapeInference"/>.</summary>
    public Dictionary<string, ValueInfo> ValueInfos { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="node"/> at the end and returns it.</summary>
    public Node Add(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Nodes.Add(node);
        return node;
    }

    /// <summary>Adds an initializer named <paramref name="name"/> and returns the name.</summary>
    public string AddInitializer(string name, TensorData tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Initializers.TryAdd(name, tensor))
        {
            throw new ArgumentException($"The graph already has an initializer named '{name}'.", nameof(name));
        }

        return name;
    }

    /// <summary>The node that produces <paramref name="valueName"/>, or null for graph inputs, initializers and unknown names.</summary>
    public Node? FindProducer(string valueName)
    {
        foreach (Node node in Nodes)
        {
            if (node.Outputs.Contains(valueName))
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The nodes that read <paramref name="valueName"/>, in graph order.</summary>
    public IEnumerable<Node> FindConsumers(string valueName) => Nodes.Where(n => n.Inputs.Contains(valueName));

    /// <summary>The type and shape of <paramref name="valueName"/>, from inference, inputs or initializers.</summary>
    public ValueInfo? FindValue(string valueName)
    {
        if (ValueInfos.TryGetValue(valueName, out ValueInfo? info))
        {
            return info;
        }

        ValueInfo? input = Inputs.Find(i => i.Name == valueName);
        if (input is not null)
        {
            return input;
        }

        return Initializers.TryGetValue(valueName, out TensorData? tensor)
            ? new ValueInfo(valueName, tensor.DataType, tensor.Shape)
            : null;
    }
}
