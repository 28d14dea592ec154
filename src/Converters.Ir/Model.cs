namespace Converters.Ir;

/// <summary>A model: one <see cref="Ir.Graph"/> plus where it came from and format metadata.</summary>
public sealed class Model
{
    /// <summary>The version of the IR this model follows.</summary>
    public const int CurrentIrVersion = 1;

    /// <summary>Creates a model around <paramref name="graph"/>.</summary>
    public Model(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
    }

    /// <summary>The graph.</summary>
    public Graph Graph { get; }

    /// <summary>The IR version the model was built for.</summary>
    public int IrVersion { get; init; } = CurrentIrVersion;

    /// <summary>The name of the format the model was read from (<c>darknet</c>, <c>caffe</c>, …), if any.</summary>
    public string? SourceFormat { get; set; }

    /// <summary>The tool or plugin that produced the model.</summary>
    public string? ProducerName { get; set; }

    /// <summary>
    /// Model-level data the IR does not model (Darknet's <c>[net]</c> keys, a Caffe net's name and
    /// solver hints, TF attributes), namespaced by format, kept for lossless round trips.
    /// </summary>
    public OrderedDictionary<string, AttributeValue> Metadata { get; } = new(StringComparer.Ordinal);
}
