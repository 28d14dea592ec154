namespace Converters.Ir;

/// <summary>
/// One operation of a <see cref="Graph"/>: an op type bound to a schema, the names of the values
/// it reads and writes, its typed attributes, and format metadata that the IR does not interpret
/// but a writer needs to reproduce the source file.
/// </summary>
public sealed class Node
{
    /// <summary>Creates a node.</summary>
    /// <param name="opType">The operator, e.g. <c>Conv</c>.</param>
    /// <param name="name">A name unique in the graph.</param>
    /// <param name="inputs">Input value names in schema order; an empty string marks an omitted optional input.</param>
    /// <param name="outputs">Output value names, each produced only here (SSA).</param>
    public Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(name);
        OpType = opType;
        Name = name;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
    }

    /// <summary>The operator name, e.g. <c>Conv</c>.</summary>
    public string OpType { get; set; }

    /// <summary>The operator domain; empty for the standard op set, a plugin's own name otherwise.</summary>
    public string Domain { get; set; } = string.Empty;

    /// <summary>A name unique in the graph.</summary>
    public string Name { get; set; }

    /// <summary>Input value names in schema order; an empty string marks an omitted optional input.</summary>
    public List<string> Inputs { get; }

    /// <summary>Output value names.</summary>
    public List<string> Outputs { get; }

    /// <summary>Typed attributes the op schema declares, in insertion order.</summary>
    public OrderedDictionary<string, AttributeValue> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What the source format carries that the IR does not model (keys namespaced by format, e.g.
    /// <c>darknet.section</c>), so a writer can reproduce it. Never interpreted by IR passes.
    /// </summary>
    public OrderedDictionary<string, AttributeValue> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets attribute <paramref name="name"/> and returns the node, for fluent construction.</summary>
    public Node With(string name, AttributeValue value)
    {
        Attributes[name] = value;
        return this;
    }

    /// <summary>The node as <c>Conv 'conv1' (x, w) -> (y)</c>.</summary>
    public override string ToString() =>
        $"{OpType} '{Name}' ({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)})";
}
