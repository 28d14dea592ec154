using System.Collections.Immutable;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;

namespace Converters.Engine.Execution;

/// <summary>One compiled node: reads and writes value buffers by id (see <see cref="Plan"/>).</summary>
internal abstract class OpKernel
{
    /// <summary>Runs the node over the value buffers of the plan.</summary>
    public abstract void Run(float[][] values);
}

/// <summary>What a kernel factory sees of one node while the plan is built.</summary>
internal sealed class NodeContext
{
    private readonly IValueNumbering _builder;
    private readonly OpSchema _schema;

    public NodeContext(IValueNumbering builder, Node node, OpSchema schema)
    {
        _builder = builder;
        Node = node;
        _schema = schema;
    }

    public Node Node { get; }

    public int MaxThreads => _builder.MaxThreads;

    public int InputCount => Node.Inputs.Count;

    public bool HasInput(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>The buffer id of input <paramref name="i"/> (initializers become constant buffers).</summary>
    public int Input(int i) => _builder.ValueId(Node.Inputs[i]);

    public int Output(int i) => _builder.ValueId(Node.Outputs[i]);

    /// <summary>The buffer id of any value by name.</summary>
    public int Value(string name) => _builder.ValueId(name);

    /// <summary>The shape of any value by name.</summary>
    public TensorShape Shape(string name) => _builder.Shape(name);

    public TensorShape InputShape(int i) => _builder.Shape(Node.Inputs[i]);

    public TensorShape OutputShape(int i) => _builder.Shape(Node.Outputs[i]);

    /// <summary>Input <paramref name="i"/> as a constant (an initializer); fails when it is computed at run time.</summary>
    public float[] Constant(int i)
    {
        string name = Node.Inputs[i];
        if (!_builder.Graph.Initializers.TryGetValue(name, out TensorData? tensor))
        {
            throw Fail($"input {i} '{name}' must be an initializer (a constant) for the engine");
        }

        return tensor.AsSpan<float>().ToArray();
    }

    public AttributeValue Attribute(string name)
    {
        if (Node.Attributes.TryGetValue(name, out AttributeValue? value))
        {
            return value;
        }

        AttributeSpec? spec = _schema.Attributes.FirstOrDefault(a => a.Name == name);
        return spec?.Default ?? throw Fail($"attribute '{name}' is missing");
    }

    public bool HasAttribute(string name) => Node.Attributes.ContainsKey(name);

    public long Int(string name) => Attribute(name).AsInt();

    public float Float(string name) => (float)Attribute(name).AsFloat();

    public string String(string name) => Attribute(name).AsString();

    public ImmutableArray<long> Ints(string name) => Attribute(name).AsInts();

    public IrValidationException Fail(string message) => new($"{Node.OpType} '{Node.Name}': {message}")
    {
        NodeName = Node.Name,
        OpType = Node.OpType,
    };

    /// <summary>Normalises a possibly negative axis.</summary>
    public static int Axis(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);
}
