using System.Collections.Immutable;
using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Schemas;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Writing;

/// <summary>
/// Turns a graph back into Darknet sections. Nodes are grouped into layers (Conv [+ BatchNormalization]
/// [+ activation] is one [convolutional], and so on); nodes read from Darknet keep their layer through
/// the <c>source.layer</c> metadata. Keys the IR determines are written from the IR, the rest from the
/// section's kept options.
/// </summary>
internal sealed partial class DarknetExporter
{
    private readonly Graph _graph;
    private readonly DarknetFork _fork;
    private readonly Dictionary<string, int> _layerOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorShape> _shapes = new(StringComparer.Ordinal);
    private readonly List<ExportedLayer> _layers = [];
    private int _position;

    private DarknetExporter(Graph graph, DarknetFork fork)
    {
        _graph = graph;
        _fork = fork;
    }

    public static (SectionBuilder Net, List<ExportedLayer> Layers) Export(Model model, DarknetFork fork)
    {
        Graph graph = model.Graph;
        ShapeInference.Run(graph);
        if (graph.Inputs.Count != 1 || graph.Inputs[0].Shape.Rank != 4)
        {
            throw new UnsupportedOperatorException($"Darknet models have one N x C x H x W input; this graph has {graph.Inputs.Count} input(s): {string.Join(", ", graph.Inputs)}");
        }

        var exporter = new DarknetExporter(graph, fork);
        exporter.Run();
        TensorShape input = graph.Inputs[0].Shape;
        string netHeader = model.Metadata.TryGetValue(DarknetMetadata.NetSection, out AttributeValue? h) ? h.AsString() : "[net]";
        IEnumerable<string> netKeys = model.Metadata.TryGetValue(DarknetMetadata.NetKeys, out AttributeValue? k) ? k.AsStrings() : ["batch=1", "subdivisions=1"];
        var net = new SectionBuilder(netHeader, netKeys);
        net.Set("height", input[2]);
        net.Set("width", input[3]);
        net.Set("channels", input[1]);
        return (net, exporter._layers);
    }

    private void Run()
    {
        ValueInfo input = _graph.Inputs[0];
        _layerOf[input.Name] = -1;
        _shapes[input.Name] = input.Shape;
        foreach (ValueInfo value in _graph.ValueInfos.Values)
        {
            _shapes[value.Name] = value.Shape;
        }

        foreach (Node node in _graph.Nodes)
        {
            foreach (string name in node.Inputs)
            {
                _consumers[name] = _consumers.GetValueOrDefault(name) + 1;
            }
        }

        foreach (string output in _graph.Outputs)
        {
            _consumers[output] = _consumers.GetValueOrDefault(output) + 1;
        }

        while (_position < _graph.Nodes.Count)
        {
            ExportGroup();
        }
    }

    private int Index => _layers.Count;

    private Node Head => _graph.Nodes[_position];

    /// <summary>The next node, if it continues the current layer from <paramref name="value"/>.</summary>
    private Node? Next(Node head, string value, int offset)
    {
        int at = _position + offset;
        if (at >= _graph.Nodes.Count)
        {
            return null;
        }

        Node next = _graph.Nodes[at];
        bool sameLayer = LayerTag(head) == LayerTag(next) && !next.Metadata.ContainsKey(DarknetMetadata.Section);
        return sameLayer && next.Inputs.Count > 0 && next.Inputs[0] == value && _consumers.GetValueOrDefault(value) == 1 ? next : null;
    }

    private static long? LayerTag(Node node) => node.Metadata.TryGetValue(DarknetMetadata.Layer, out AttributeValue? v) ? v.AsInt() : null;

    private static string? OriginalKind(Node head) =>
        head.Metadata.TryGetValue(DarknetMetadata.Section, out AttributeValue? s) ? Cfg.SectionCatalog.KindOf(s.AsString()) : null;

    private static SectionBuilder Section(Node head, string kind)
    {
        string header = head.Metadata.TryGetValue(DarknetMetadata.Section, out AttributeValue? s) && Cfg.SectionCatalog.KindOf(s.AsString()) == kind
            ? s.AsString()
            : Cfg.SectionCatalog.HeaderOf(kind);
        IEnumerable<string> keys = OriginalKind(head) == kind && head.Metadata.TryGetValue(DarknetMetadata.Keys, out AttributeValue? k) ? k.AsStrings() : [];
        return new SectionBuilder(header, keys);
    }

    /// <summary>Layer index of a value, for route/shortcut references.</summary>
    private int LayerOf(Node node, string value) =>
        _layerOf.TryGetValue(value, out int layer)
            ? layer
            : throw new UnsupportedOperatorException($"{node.OpType} '{node.Name}' reads '{value}', which is not the output of a whole Darknet layer (Darknet layers can only refer to other layers' outputs)") { OperatorName = node.OpType };

    /// <summary>Makes <paramref name="value"/> the previous layer's output, inserting a [route] when it is not.</summary>
    private void RequirePrevious(Node node, string value)
    {
        int layer = LayerOf(node, value);
        if (layer == Index - 1)
        {
            return;
        }

        if (layer < 0)
        {
            throw new UnsupportedOperatorException($"{node.OpType} '{node.Name}' reads the network input after other layers; Darknet cannot route back to the input") { OperatorName = node.OpType };
        }

        var route = new SectionBuilder("[route]", []);
        route.Set("layers", layer - Index, null);
        _layers.Add(new ExportedLayer(route, []));
    }

    private TensorData Initializer(Node node, int input)
    {
        string name = input < node.Inputs.Count ? node.Inputs[input] : string.Empty;
        if (name.Length == 0 || !_graph.Initializers.TryGetValue(name, out TensorData? tensor))
        {
            throw new UnsupportedOperatorException($"{node.OpType} '{node.Name}': input {input.ToString(CultureInfo.InvariantCulture)} ('{name}') must be an initializer to be stored in a .weights file") { OperatorName = node.OpType };
        }

        if (tensor.DataType != DataType.Float32)
        {
            throw new UnsupportedOperatorException($"{node.OpType} '{node.Name}': initializer '{name}' is {DataTypeInfo.Name(tensor.DataType)}; .weights stores float32") { OperatorName = node.OpType };
        }

        return tensor;
    }

    private void Finish(SectionBuilder section, List<(WeightSlot, TensorData)> arrays, int nodeCount)
    {
        Node last = _graph.Nodes[_position + nodeCount - 1];
        _layerOf[last.Outputs[0]] = Index;
        _layers.Add(new ExportedLayer(section, arrays));
        _position += nodeCount;
    }

    private WeightSlot Slot(string array, TensorData tensor, int transposedRows = 0) =>
        new(Index, $"#{Index.ToString(CultureInfo.InvariantCulture)}", array, array, tensor.Shape, transposedRows);

    private static long Int(Node node, string name, long fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsInt() : fallback;

    private static double Float(Node node, string name, double fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsFloat() : fallback;

    private static ImmutableArray<long> Ints(Node node, string name, params long[] fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsInts() : [.. fallback];

    private static string Str(Node node, string name, string fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsString() : fallback;

    private static UnsupportedOperatorException Cannot(Node node, string why) => new($"{node.OpType} '{node.Name}': {why}") { OperatorName = node.OpType };
}
