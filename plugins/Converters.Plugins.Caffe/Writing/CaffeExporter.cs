using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Protobuf.Text;
using Converters.Plugins.Caffe.Proto;

namespace Converters.Plugins.Caffe.Writing;

/// <summary>
/// Maps the IR back to Caffe layers. Nodes read from Caffe carry the layer they came from
/// (<see cref="CaffeMetadata"/>): consecutive nodes of one layer become that layer again, with its top
/// names (in-place where it was and still is valid), blob shape forms, comments and the fields the IR
/// does not model. Other nodes map one by one (BatchNormalization with scale/bias becomes BatchNorm + Scale).
/// </summary>
internal sealed partial class CaffeExporter
{
    /// <summary>IR ops the writer maps to Caffe layers.</summary>
    public static readonly string[] SupportedOps =
    [
        "Add", "AveragePool", "BatchNormalization", "Concat", "Conv", "ConvTranspose", "Dropout", "Elu", "Flatten", "Gemm",
        "GlobalAveragePool", "GlobalMaxPool", "Identity", "LRN", "LeakyRelu", "Max", "MaxPool", "Mul", "PRelu", "Power",
        "Relu", "Reshape", "Scale", "Sigmoid", "Slice (Caffe Crop)", "Softmax", "Split", "Tanh", "Transpose",
    ];

    private readonly Model _model;
    private readonly Graph _graph;
    private readonly Dictionary<string, string> _blobOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blobs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _layerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Node>> _consumers = new(StringComparer.Ordinal);
    private readonly List<ExportedLayer> _layers = [];

    public CaffeExporter(Model model)
    {
        _model = model;
        _graph = model.Graph;
        foreach (Node node in _graph.Nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (!_consumers.TryGetValue(input, out List<Node>? list))
                {
                    list = [];
                    _consumers[input] = list;
                }

                list.Add(node);
            }
        }
    }

    public NetParameter Net { get; } = new();

    public List<string> HeaderComments { get; } = [];

    public List<ExportedLayer> Layers => _layers;

    public void Export()
    {
        if (_model.Metadata.TryGetValue(CaffeMetadata.NetExtra, out AttributeValue? netExtra))
        {
            Net.MergeFrom((NetParameter)TextFormatParser.Parse<NetParameter>("metadata:" + CaffeMetadata.NetExtra, netExtra.AsString()).Root);
        }

        Net.Name = _model.Metadata.TryGetValue(CaffeMetadata.NetName, out AttributeValue? name) ? name.AsString() : _graph.Name;
        if (_model.Metadata.TryGetValue(CaffeMetadata.HeaderComments, out AttributeValue? header))
        {
            HeaderComments.AddRange(header.AsStrings());
        }

        DeclareInputs();
        var nodes = _graph.Nodes;
        for (int i = 0; i < nodes.Count;)
        {
            int end = i + 1;
            string? layer = LayerOf(nodes[i]);
            while (layer is not null && end < nodes.Count && LayerOf(nodes[end]) == layer)
            {
                end++;
            }

            ExportGroup(nodes.GetRange(i, end - i));
            i = end;
        }

        foreach (ExportedLayer layer in _layers)
        {
            if (layer.Extra is not null)
            {
                layer.Layer.MergeFrom(layer.Extra);
            }
        }

        InsertSkipped();
    }

    private static string? LayerOf(Node node) => node.Metadata.TryGetValue(CaffeMetadata.Layer, out AttributeValue? v) ? v.AsString() : null;

    private static string? Meta(Node node, string key) => node.Metadata.TryGetValue(key, out AttributeValue? v) && v.Kind == AttributeKind.String ? v.AsString() : null;

    private void DeclareInputs()
    {
        HashSet<string> fedByData = _model.Metadata.TryGetValue(CaffeMetadata.DataInputs, out AttributeValue? d) ? [.. d.AsStrings()] : [];
        string form = _model.Metadata.TryGetValue(CaffeMetadata.InputForm, out AttributeValue? f) ? f.AsString() : "layer";
        var declared = new List<ValueInfo>();
        foreach (ValueInfo input in _graph.Inputs)
        {
            _blobOf[input.Name] = input.Name;
            _blobs.Add(input.Name);
            if (!fedByData.Contains(input.Name))
            {
                declared.Add(input);
            }
        }

        if (declared.Count == 0)
        {
            return;
        }

        if (form == "input_dim" && declared.All(v => v.Shape.Rank == 4))
        {
            foreach (ValueInfo input in declared)
            {
                Net.Input.Add(input.Name);
                Net.InputDim.AddRange(input.Shape.Dimensions);
            }

            return;
        }

        if (form == "input_shape")
        {
            foreach (ValueInfo input in declared)
            {
                Net.Input.Add(input.Name);
                Net.InputShape.Add(ShapeOf(input.Shape));
            }

            return;
        }

        string layerName = _model.Metadata.TryGetValue(CaffeMetadata.InputLayer, out AttributeValue? n) ? n.AsString() : "input";
        var layer = new LayerParameter { Name = layerName, Type = "Input", InputParam = new InputParameter() };
        if (_model.Metadata.TryGetValue(CaffeMetadata.InputLayer + ".extra", out AttributeValue? extra))
        {
            layer.MergeFrom((LayerParameter)TextFormatParser.Parse<LayerParameter>("metadata:" + CaffeMetadata.InputLayer, extra.AsString()).Root);
        }

        foreach (ValueInfo input in declared)
        {
            layer.Top.Add(input.Name);
            layer.InputParam.Shape.Add(ShapeOf(input.Shape));
        }

        _layerNames.Add(layerName);
        _layers.Add(new ExportedLayer(layer, [], null));
    }

    private static BlobShape ShapeOf(TensorShape shape)
    {
        var s = new BlobShape();
        s.Dim.AddRange(shape.Dimensions.Select(d => (long)d));
        return s;
    }

    private void InsertSkipped()
    {
        if (!_model.Metadata.TryGetValue(CaffeMetadata.SkippedLayers, out AttributeValue? skipped))
        {
            return;
        }

        foreach (string entry in skipped.AsStrings())
        {
            int tab = entry.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0 || !int.TryParse(entry.AsSpan(0, tab), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw new ModelFormatException($"metadata '{CaffeMetadata.SkippedLayers}' has an entry without its 'index<TAB>' prefix") { FieldPath = CaffeMetadata.SkippedLayers };
            }

            var layer = (LayerParameter)TextFormatParser.Parse<LayerParameter>("metadata:" + CaffeMetadata.SkippedLayers, entry[(tab + 1)..]).Root;
            List<BlobProto> blobs = [.. layer.Blobs];
            layer.Blobs.Clear();
            _layers.Insert(Math.Min(index, _layers.Count), new ExportedLayer(layer, blobs, null));
        }
    }

    // ---- naming

    private string LayerName(string preferred)
    {
        string candidate = preferred;
        for (int i = 1; !_layerNames.Add(candidate); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{preferred}_{i}");
        }

        return candidate;
    }

    private string BlobOf(string value) =>
        _blobOf.TryGetValue(value, out string? blob) ? blob : throw new ModelFormatException($"value '{value}' is used before it is produced") { FieldPath = value };

    /// <summary>Chooses the top names of a layer: the recorded ones where still valid, else the value names.</summary>
    private List<string> Tops(List<Node> group, IReadOnlyList<string> outputs, IReadOnlyList<string> bottoms)
    {
        IReadOnlyList<string>? recorded = group[0].Metadata.TryGetValue(CaffeMetadata.Tops, out AttributeValue? t) && t.Kind == AttributeKind.Strings
            ? t.AsStrings()
            : null;
        if (recorded is not null && recorded.Count != outputs.Count)
        {
            recorded = null;
        }

        var tops = new List<string>();
        for (int i = 0; i < outputs.Count; i++)
        {
            string? top = recorded?[i];
            if (top is not null && _blobs.Contains(top) && !InPlaceValid(top, group, bottoms))
            {
                top = null;
            }

            top ??= outputs[i];
            if (_blobs.Contains(top) && !(recorded is not null && top == recorded[i]))
            {
                string baseName = top;
                for (int k = 1; _blobs.Contains(top); k++)
                {
                    top = string.Create(CultureInfo.InvariantCulture, $"{baseName}_{k}");
                }
            }

            _blobs.Add(top);
            _blobOf[outputs[i]] = top;
            tops.Add(top);
        }

        return tops;
    }

    /// <summary>An in-place top is valid when it is a bottom of the layer and no other layer still reads that bottom's value.</summary>
    private bool InPlaceValid(string top, List<Node> group, IReadOnlyList<string> bottoms)
    {
        foreach (Node node in group)
        {
            foreach (string input in node.Inputs)
            {
                if (_blobOf.TryGetValue(input, out string? blob) && blob == top && bottoms.Contains(blob))
                {
                    return _consumers[input].All(group.Contains) && !_graph.Outputs.Contains(input);
                }
            }
        }

        return false;
    }

    private ExportedLayer NewLayer(List<Node> group, string type, IReadOnlyList<string> inputValues, IReadOnlyList<string> outputValues, string? name = null)
    {
        Node head = group[0];
        string preferred = name ?? LayerOf(head) ?? head.Name;
        var layer = new LayerParameter { Name = LayerName(preferred), Type = type };
        List<string> bottoms = [.. inputValues.Select(BlobOf)];
        layer.Bottom.AddRange(bottoms);
        layer.Top.AddRange(Tops(group, outputValues, bottoms));
        string? extra = Meta(head, CaffeMetadata.Extra);
        LayerParameter? extraFields = extra is not null && name is null
            ? (LayerParameter)TextFormatParser.Parse<LayerParameter>($"metadata:{head.Name}.{CaffeMetadata.Extra}", extra).Root
            : null;
        List<string>? comments = name is null && head.Metadata.TryGetValue(CaffeMetadata.Comments, out AttributeValue? c) && c.Kind == AttributeKind.Strings ? [.. c.AsStrings()] : null;
        var exported = new ExportedLayer(layer, [], comments) { Extra = extraFields };
        _layers.Add(exported);
        return exported;
    }

    private static void AddBlob(ExportedLayer layer, Node head, TensorData tensor, TensorShape? shape = null)
    {
        var blob = new BlobProto();
        int index = layer.Blobs.Count;
        TensorShape s = shape ?? tensor.Shape;
        string? form = head.Metadata.TryGetValue(CaffeMetadata.BlobShapes, out AttributeValue? forms) && forms.Kind == AttributeKind.Strings && index < forms.AsStrings().Length
            ? forms.AsStrings()[index]
            : null;
        long[]? dims = form?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        if (form is not null && dims is not null && dims.Aggregate(1L, (a, d) => a * d) == s.ElementCount && form.StartsWith("legacy", StringComparison.Ordinal) && dims.Length == 4)
        {
            blob.Num = (int)dims[0];
            blob.Channels = (int)dims[1];
            blob.Height = (int)dims[2];
            blob.Width = (int)dims[3];
        }
        else
        {
            blob.Shape = new BlobShape();
            blob.Shape.Dim.AddRange(form is not null && dims is not null && form.StartsWith("shape", StringComparison.Ordinal) && dims.Aggregate(1L, (a, d) => a * d) == s.ElementCount
                ? dims
                : s.Dimensions.Select(d => (long)d));
        }

        if (tensor.DataType != DataType.Float32)
        {
            throw new ModelFormatException($"initializer of '{head.Name}' is {tensor.DataType}; Caffe blobs are float32") { FieldPath = head.Name };
        }

        float[] values = tensor.AsSpan<float>().ToArray();
        if (head.Metadata.TryGetValue(CaffeMetadata.DoubleBlobPrefix + index.ToString(CultureInfo.InvariantCulture), out AttributeValue? stored)
            && stored.Kind == AttributeKind.Tensor && stored.AsTensor().DataType == DataType.Float64 && stored.AsTensor().ElementCount == values.Length)
        {
            double[] doubles = stored.AsTensor().AsSpan<double>().ToArray();
            if (doubles.Select((d, i) => BitConverter.SingleToInt32Bits((float)d) == BitConverter.SingleToInt32Bits(values[i])).All(same => same))
            {
                // The blob was double_data and the IR still holds its values: write the doubles back as they were.
                blob.DoubleData.AddRange(doubles);
                layer.Blobs.Add(blob);
                return;
            }
        }

        blob.Data.AddRange(values);
        layer.Blobs.Add(blob);
    }

    private TensorData Initializer(Node node, int input) =>
        input < node.Inputs.Count && _graph.Initializers.TryGetValue(node.Inputs[input], out TensorData? t)
            ? t
            : throw new ModelFormatException($"{node.OpType} '{node.Name}': input {input} must be a constant (initializer) to become a Caffe blob") { FieldPath = node.Name };

    private static bool HasInput(Node node, int input) => input < node.Inputs.Count && node.Inputs[input].Length > 0;

    private static long Int(Node node, string name, long fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsInt() : fallback;

    private static double Float(Node node, string name, double fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? v.AsFloat() : fallback;

    private static long[] Ints(Node node, string name, params long[] fallback) => node.Attributes.TryGetValue(name, out AttributeValue? v) ? [.. v.AsInts()] : fallback;

    private static ModelFormatException Unexpressible(Node node, string what) =>
        new($"{node.OpType} '{node.Name}': Caffe cannot express {what}") { FieldPath = node.Name };
}
