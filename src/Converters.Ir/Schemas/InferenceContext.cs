using System.Collections.Immutable;
using System.Globalization;
using Converters.Ir.Diagnostics;

namespace Converters.Ir.Schemas;

/// <summary>
/// What a shape inference function or MAC counter sees of one node: its input types and shapes,
/// attributes with the schema's defaults applied, constant inputs, and where to put output shapes.
/// Failures go through <see cref="Fail(string)"/> and <see cref="FailAttribute"/>, which name the node.
/// </summary>
public sealed class InferenceContext
{
    private readonly Graph _graph;
    private readonly ValueInfo?[] _inputs;
    private readonly ValueInfo?[] _outputs;

    internal InferenceContext(Graph graph, Node node, OpSchema schema, ValueInfo?[] inputs)
    {
        _graph = graph;
        Node = node;
        Schema = schema;
        _inputs = inputs;
        _outputs = new ValueInfo?[node.Outputs.Count];
    }

    /// <summary>The node being inferred.</summary>
    public Node Node { get; }

    /// <summary>Its schema.</summary>
    public OpSchema Schema { get; }

    /// <summary>The number of input slots the node lists (omitted optional inputs included).</summary>
    public int InputCount => _inputs.Length;

    /// <summary>The number of outputs the node lists.</summary>
    public int OutputCount => _outputs.Length;

    /// <summary>Whether input <paramref name="index"/> is present.</summary>
    public bool HasInput(int index) => index < _inputs.Length && _inputs[index] is not null;

    /// <summary>The shape of input <paramref name="index"/>; fails if it is absent.</summary>
    public TensorShape InputShape(int index) => Input(index).Shape;

    /// <summary>The element type of input <paramref name="index"/>; fails if it is absent.</summary>
    public DataType InputType(int index) => Input(index).DataType;

    /// <summary>The constant tensor bound to input <paramref name="index"/>, or null if it is not an initializer.</summary>
    public TensorData? ConstantInput(int index) =>
        HasInput(index) && _graph.Initializers.TryGetValue(Node.Inputs[index], out TensorData? t) ? t : null;

    /// <summary>The shape of output <paramref name="index"/> once set (for MAC counting).</summary>
    public TensorShape OutputShape(int index) =>
        _outputs[index]?.Shape ?? throw Fail($"output {index} has no inferred shape");

    /// <summary>Whether the node sets attribute <paramref name="name"/> itself.</summary>
    public bool HasAttribute(string name) => Node.Attributes.ContainsKey(name);

    /// <summary>An integer attribute, or its schema default.</summary>
    public long GetInt(string name) => Attribute(name, AttributeKind.Int).AsInt();

    /// <summary>A float attribute (an integer converts), or its schema default.</summary>
    public double GetFloat(string name) => Attribute(name, AttributeKind.Float).AsFloat();

    /// <summary>A string attribute, or its schema default.</summary>
    public string GetString(string name) => Attribute(name, AttributeKind.String).AsString();

    /// <summary>An integer-list attribute, or its schema default.</summary>
    public ImmutableArray<long> GetInts(string name) => Attribute(name, AttributeKind.Ints).AsInts();

    /// <summary>A float-list attribute (an integer list converts), or its schema default.</summary>
    public ImmutableArray<double> GetFloats(string name) => Attribute(name, AttributeKind.Floats).AsFloats();

    /// <summary>Sets output <paramref name="index"/>.</summary>
    public void SetOutput(int index, DataType dataType, TensorShape shape)
    {
        if (index >= _outputs.Length)
        {
            throw Fail($"produces {index + 1} outputs but the node lists {_outputs.Length}");
        }

        _outputs[index] = new ValueInfo(Node.Outputs[index], dataType, shape);
    }

    /// <summary>Sets output <paramref name="index"/> with the element type of input 0.</summary>
    public void SetOutput(int index, TensorShape shape) => SetOutput(index, InputType(0), shape);

    /// <summary>An exception <c>Op 'name': message</c>, to throw.</summary>
    public IrValidationException Fail(string message) =>
        new($"{Node.OpType} '{Node.Name}': {message}") { NodeName = Node.Name, OpType = Node.OpType };

    /// <summary>An exception <c>Op 'name': attribute 'attr'=value message</c>, to throw.</summary>
    public IrValidationException FailAttribute(string attribute, string message)
    {
        string shown = Node.Attributes.TryGetValue(attribute, out AttributeValue? v)
            ? v.ToString()
            : Schema.FindAttribute(attribute)?.Default?.ToString() ?? "(absent)";
        return new IrValidationException($"{Node.OpType} '{Node.Name}': attribute '{attribute}'={shown} {message}")
        {
            NodeName = Node.Name,
            OpType = Node.OpType,
            AttributeName = attribute,
        };
    }

    internal ValueInfo?[] Outputs => _outputs;

    private ValueInfo Input(int index)
    {
        if (!HasInput(index))
        {
            string name = Schema.InputAt(index)?.Name ?? index.ToString(CultureInfo.InvariantCulture);
            throw Fail($"input {index} '{name}' is required");
        }

        return _inputs[index]!;
    }

    private AttributeValue Attribute(string name, AttributeKind kind)
    {
        AttributeSpec? spec = Schema.FindAttribute(name);
        if (Node.Attributes.TryGetValue(name, out AttributeValue? value))
        {
            bool compatible = value.Kind == kind
                || (kind == AttributeKind.Float && value.Kind == AttributeKind.Int)
                || (kind == AttributeKind.Floats && value.Kind == AttributeKind.Ints);
            if (!compatible)
            {
                throw FailAttribute(name, $"must be {Describe(kind)}, got {Describe(value.Kind)}");
            }

            return value;
        }

        if (spec?.Default is { } fallback)
        {
            return fallback;
        }

        throw FailAttribute(name, "is required");
    }

    internal static string Describe(AttributeKind kind) => kind switch
    {
        AttributeKind.Int => "an integer",
        AttributeKind.Float => "a float",
        AttributeKind.String => "a string",
        AttributeKind.Ints => "a list of integers",
        AttributeKind.Floats => "a list of floats",
        AttributeKind.Strings => "a list of strings",
        AttributeKind.Tensor => "a tensor",
        _ => kind.ToString(),
    };
}
