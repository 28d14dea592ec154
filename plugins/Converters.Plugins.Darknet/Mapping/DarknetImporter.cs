using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Converters.Ir.Verification;
using Converters.Plugins.Darknet.Cfg;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Mapping;

/// <summary>
/// Builds the IR from a parsed cfg: one IR node per Darknet operation, the last node of cfg layer i
/// producing the value named <c>i</c>, initializers named <c>i.weights</c>, <c>i.biases</c>, ... and
/// the list of <see cref="WeightSlot"/>s in the order the <c>.weights</c> file stores them.
/// </summary>
internal sealed partial class DarknetImporter
{
    public const string InputName = "data";

    /// <summary>The most parameters a cfg read without weights may imply (zero-filled): 2^28 floats, 1 GiB.</summary>
    public const long MaxZeroFilledFloats = 1L << 28;

    private readonly CfgDocument _cfg;
    private readonly DarknetFork _fork;
    private readonly Graph _graph = new();
    private readonly List<WeightSlot> _slots = [];
    private readonly List<(string Name, TensorShape Shape)> _initializers = [];
    private readonly List<DarknetShape> _shapes = [];
    private readonly List<string> _detectionOutputs = [];
    private CfgSection _section = null!;
    private int _layerStart;

    private DarknetImporter(CfgDocument cfg, DarknetFork fork)
    {
        _cfg = cfg;
        _fork = fork;
    }

    public IReadOnlyList<WeightSlot> Slots => _slots;

    /// <summary>Maps the cfg to a model whose initializers are still missing; see <see cref="Complete"/>.</summary>
    public static DarknetImporter Map(CfgDocument cfg, DarknetFork fork)
    {
        var importer = new DarknetImporter(cfg, fork);
        importer.MapAll();
        return importer;
    }

    /// <summary>Adds the initializers (read, or zeros when <paramref name="tensors"/> is null), metadata, and verifies.</summary>
    public Model Complete(Dictionary<string, TensorData>? tensors, WeightsHeader? header)
    {
        long floats = _initializers.Sum(i => i.Shape.ElementCount);
        if (tensors is null && floats > MaxZeroFilledFloats)
        {
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"the cfg implies {floats:N0} parameters; without a .weights file this plugin zero-fills at most {MaxZeroFilledFloats:N0}. Check 'filters', 'size' and 'output', or give the weights file"))
            {
                FilePath = _cfg.Path,
            };
        }

        foreach ((string name, TensorShape shape) in _initializers)
        {
            TensorData tensor = tensors is not null && tensors.TryGetValue(name, out TensorData? read) ? read : TensorData.Zeros(DataType.Float32, shape);
            _graph.AddInitializer(name, tensor);
        }

        var model = new Model(_graph) { SourceFormat = DarknetFormat.FormatName, ProducerName = "darknet" };
        model.Metadata[DarknetMetadata.Fork] = _fork == DarknetFork.AlexeyAB ? "alexeyab" : "pjreddie";
        model.Metadata[DarknetMetadata.NetSection] = _cfg.Net.Header;
        model.Metadata[DarknetMetadata.NetKeys] = AttributeValue.FromStrings(_cfg.Net.Options.Select(o => o.Text));
        model.Metadata[DarknetMetadata.Weights] = header is null ? "absent" : "present";
        if (header is not null)
        {
            model.Metadata[DarknetMetadata.WeightsMajor] = header.Major;
            model.Metadata[DarknetMetadata.WeightsMinor] = header.Minor;
            model.Metadata[DarknetMetadata.WeightsRevision] = header.Revision;
            model.Metadata[DarknetMetadata.WeightsSeen] = unchecked((long)header.Seen);
            model.Metadata[DarknetMetadata.WeightsSeenBytes] = header.SeenBytes;
        }

        try
        {
            ShapeInference.Run(_graph);
            GraphVerifier.VerifyOrThrow(_graph);
        }
        catch (IrValidationException ex)
        {
            throw AtLayer(ex);
        }
        catch (OverflowException ex)
        {
            throw new ModelFormatException("the cfg's sizes overflow 32-bit tensor dimensions; check width, height, 'stride' and 'filters'", ex) { FilePath = _cfg.Path };
        }

        return model;
    }

    private void MapAll()
    {
        CfgSection net = _cfg.Net;
        int height = net.GetNonNegativeInt("height", 0);
        int width = net.GetNonNegativeInt("width", 0);
        int channels = net.GetNonNegativeInt("channels", 0);
        if (height == 0 || width == 0 || channels == 0)
        {
            string missing = string.Join(", ", new[] { ("height", height), ("width", width), ("channels", channels) }.Where(k => k.Item2 == 0).Select(k => k.Item1));
            throw net.Error(
                net.Find("height") ?? net.Find("width") ?? net.Find("channels"),
                $"[net] needs positive height, width and channels; missing or 0: {missing} (an input given only by 'inputs' is for recurrent nets, which this plugin does not import)");
        }

        if ((long)height * width * channels > 1L << 30)
        {
            throw net.Error("width", "the input height x width x channels exceeds 2^30 values");
        }

        _graph.Name = Path.GetFileNameWithoutExtension(_cfg.Path);
        _graph.Inputs.Add(new ValueInfo(InputName, DataType.Float32, TensorShape.Of(1, channels, height, width)));
        if (_cfg.Layers.Count == 0)
        {
            throw net.Error((CfgOption?)null, "the cfg has no layers after [net]");
        }

        foreach (CfgSection section in _cfg.Layers)
        {
            _section = section;
            _layerStart = _graph.Nodes.Count;
            DarknetShape shape = MapLayer(section);
            if (shape.W <= 0 || shape.H <= 0 || shape.C <= 0)
            {
                throw section.Error((CfgOption?)null, string.Create(CultureInfo.InvariantCulture, $"the output would be {shape.W} x {shape.H} x {shape.C}: the input {PreviousShape.W} x {PreviousShape.H} x {PreviousShape.C} is too small for this layer's size, stride and padding"));
            }

            if (_graph.Nodes.Count == _layerStart)
            {
                throw new InvalidOperationException($"layer {section.DisplayName} produced no node");
            }

            Node first = _graph.Nodes[_layerStart];
            first.Metadata[DarknetMetadata.Section] = section.Header;
            first.Metadata[DarknetMetadata.Keys] = AttributeValue.FromStrings(section.Options.Select(o => o.Text));
            _graph.Nodes[^1].Outputs[0] = Name(section.Index);
            _shapes.Add(shape);
        }

        if (_detectionOutputs.Count > 0)
        {
            _graph.Outputs.AddRange(_detectionOutputs);
        }
        else
        {
            _graph.Outputs.Add(Name(_cfg.Layers.Count - 1));
        }
    }

    private static string Name(int layer) => layer < 0 ? InputName : layer.ToString(CultureInfo.InvariantCulture);

    private string Value(string role) => $"{Name(_section.Index)}.{role}";

    private string Previous => Name(_section.Index - 1);

    private DarknetShape PreviousShape => _section.Index == 0
        ? new DarknetShape(_graph.Inputs[0].Shape[3], _graph.Inputs[0].Shape[2], _graph.Inputs[0].Shape[1], false)
        : _shapes[_section.Index - 1];

    /// <summary>The output of the node just added (the layer's running value).</summary>
    private string Last => _graph.Nodes[^1].Outputs[0];

    private Node Emit(string opType, string role, params string[] inputs)
    {
        string name = Value(role);
        var node = new Node(opType, name, inputs, [name]);
        node.Metadata[DarknetMetadata.Layer] = _section.Index;
        _graph.Add(node);
        return node;
    }

    private string Initializer(string array, TensorShape shape, bool inFile = true)
    {
        string name = Value(array);
        _initializers.Add((name, shape));
        if (inFile)
        {
            _slots.Add(new WeightSlot(_section.Index, _section.DisplayName, array, name, shape));
        }

        return name;
    }

    private void EmitActivation(string key, string fallback)
    {
        string name = _section.GetString(key, fallback);
        if (name == "ramp")
        {
            // Darknet's ramp: x * (x > 0) + 0.1 * x, as Relu(x) + Power(x, scale 0.1).
            string x = Last;
            string relu = Emit("Relu", "ramp_relu", x).Outputs[0];
            string linear = Emit("Power", "ramp_linear", x).With("scale", 0.1).Outputs[0];
            Emit("Add", "ramp", relu, linear);
            return;
        }

        if (Activations.ToIr(_section, key, name) is not { } op)
        {
            return;
        }

        Node node = Emit(op.OpType, name, Last);
        if (op.Alpha is { } alpha)
        {
            node.With("alpha", alpha);
        }
    }

    /// <summary>A layer index from a cfg list: negative is relative to this layer, else absolute.</summary>
    private int Resolve(CfgOption option, int value)
    {
        int index = value < 0 ? _section.Index + value : value;
        if (index < 0 || index >= _section.Index)
        {
            throw _section.Error(option, string.Create(CultureInfo.InvariantCulture, $"'{option.Key}' refers to layer {value} (= layer {index}), but only layers 0..{_section.Index - 1} come before layer {_section.Index}"));
        }

        return index;
    }

    private void RejectNonZero(params string[] keys)
    {
        foreach (string key in keys)
        {
            CfgOption? option = _section.Find(key);
            if (option is not null && option.Value != "0")
            {
                throw _section.Error(option, $"'{key}={option.Value}' is not supported by this plugin (it has no IR equivalent); only {key}=0");
            }
        }
    }

    private void Require4D(DarknetShape input)
    {
        if (input.Flat)
        {
            throw _section.Error((CfgOption?)null, "the input is the flat output of a [connected] layer; this layer needs a W x H x C input");
        }
    }

    private ModelFormatException AtLayer(IrValidationException ex)
    {
        Node? node = ex.NodeName is null ? null : _graph.Nodes.Find(n => n.Name == ex.NodeName);
        if (node is null || !node.Metadata.TryGetValue(DarknetMetadata.Layer, out AttributeValue? layer))
        {
            return new ModelFormatException($"the model built from the cfg is not valid: {ex.Message}", ex) { FilePath = _cfg.Path };
        }

        CfgSection section = _cfg.Layers[(int)layer.AsInt()];
        string? key = ex.AttributeName switch
        {
            "group" => "groups",
            "pads" => section.Has("padding") ? "padding" : "pad",
            "strides" => "stride",
            "kernel_shape" or "dilations" => "size",
            "classes" or "mask" or "anchors" or "num" or "coords" => ex.AttributeName,
            "scales" => "stride",
            "group_sizes" => "tree",
            "stride" => "stride",
            _ => null,
        };
        CfgOption? option = key is null ? null : section.Find(key);
        return new ModelFormatException(ex.Message, ex)
        {
            FilePath = _cfg.Path,
            Line = option?.Line ?? section.Line,
            Column = option?.Column ?? 1,
            FieldPath = option is null ? section.DisplayName : $"{section.DisplayName}.{option.Key}",
        };
    }
}
