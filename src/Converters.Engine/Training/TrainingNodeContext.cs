using System.Collections.Immutable;
using Converters.Engine.Execution;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Training;

/// <summary>What a training kernel sees of its node while the session is built.</summary>
internal sealed class TrainingNodeContext
{
    private readonly TrainingValueNumbering _numbering;

    public TrainingNodeContext(TrainingValueNumbering numbering, Node node, int index, NodeContext inference)
    {
        _numbering = numbering;
        Node = node;
        Index = index;
        Inference = inference;
    }

    public Node Node { get; }

    /// <summary>The node's position in the graph.</summary>
    public int Index { get; }

    /// <summary>The same node as the inference kernel factory sees it (attributes with schema defaults, constants).</summary>
    public NodeContext Inference { get; }

    public int Batch => _numbering.Batch;

    public int MaxThreads => _numbering.MaxThreads;

    public bool HasInput(int i) => Inference.HasInput(i);

    public int Input(int i) => Inference.Input(i);

    public int Output(int i) => Inference.Output(i);

    public TensorShape InputShape(int i) => Inference.InputShape(i);

    public TensorShape OutputShape(int i) => Inference.OutputShape(i);

    /// <summary>True when input <paramref name="i"/> gets a gradient buffer (a parameter, or a value the loss reaches a parameter or a differentiated input through).</summary>
    public bool NeedsGradient(int i) => HasInput(i) && _numbering.NeedsGradient(Node.Inputs[i]);

    /// <summary>True when input <paramref name="i"/> is a trainable parameter.</summary>
    public bool IsParameter(int i) => HasInput(i) && _numbering.IsParameter(Node.Inputs[i]);

    /// <summary>True when input <paramref name="i"/> is an initializer (trainable or not).</summary>
    public bool IsInitializer(int i) => HasInput(i) && _numbering.Graph.Initializers.ContainsKey(Node.Inputs[i]);

    public long Int(string name) => Inference.Int(name);

    public float Float(string name) => Inference.Float(name);

    public string String(string name) => Inference.String(name);

    public ImmutableArray<long> Ints(string name) => Inference.Ints(name);

    public bool HasAttribute(string name) => Inference.HasAttribute(name);

    public AttributeValue Attribute(string name) => Inference.Attribute(name);

    public IrValidationException Fail(string message) => Inference.Fail(message);
}
