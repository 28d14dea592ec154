using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Converters.Ir.Verification;
using Converters.Protobuf.Text;
using Converters.Plugins.Caffe.Proto;
using Converters.Plugins.Caffe.Weights;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Converters.Plugins.Caffe.Mapping;

/// <summary>
/// Builds the IR from a parsed net (and the blobs of a caffemodel, matched by layer name). Blobs are
/// SSA values: a blob written again (in-place layers, top == bottom) gets a new value name
/// <c>top/layer</c>; the graph outputs are the final versions of blobs no imported layer reads.
/// </summary>
internal sealed partial class CaffeImporter
{
    /// <summary>The most values a net read without weights may zero-fill: 2^28 floats, 1 GiB.</summary>
    public const long MaxZeroFilledFloats = 1L << 28;

    private static readonly HashSet<string> s_keptParamFields =
        ["weight_filler", "bias_filler", "filler", "engine", "stable_prod_grad", "moving_average_fraction", "use_global_stats", "force_nd_im2col"];

    private readonly TextFormatDocument _doc;
    private readonly NetParameter _net;
    private readonly string _path;
    private readonly string? _modelPath;
    private readonly Dictionary<string, (int Index, string Path, List<BlobProto> Blobs)> _weights;
    private readonly TensorShape? _dataShape;
    private readonly Graph _graph = new();
    private readonly Dictionary<string, TensorShape> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _current = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeLayer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unshapedData = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shapeReferences = new(StringComparer.Ordinal);
    private readonly List<string> _skipped = [];
    private readonly List<string> _dataInputs = [];
    private readonly List<LayerParameter> _layers = [];
    private readonly List<IMessage> _origins = [];
    private readonly string _prefix;
    private long _zeroFilled;
    private bool _anyBlobs;

    private LayerParameter _layer = null!;
    private int _index;
    private List<Node> _layerNodes = [];
    private List<string> _blobForms = [];
    private Dictionary<int, TensorData> _doubleBlobs = [];
    private List<BlobProto>? _source;
    private string? _sourceFile;
    private string? _sourcePath;
    private Dictionary<string, string> _pendingTops = new(StringComparer.Ordinal);

    private CaffeImporter(TextFormatDocument doc, string? modelPath, NetParameter? weights, TensorShape? dataShape)
    {
        _doc = doc;
        _net = (NetParameter)doc.Root;
        _path = doc.Path;
        _modelPath = modelPath;
        _weights = weights is null ? new(StringComparer.Ordinal) : CaffemodelFile.Index(weights);
        _dataShape = dataShape;
        _prefix = _net.Layers.Count > 0 ? "layers" : "layer";
    }

    public static Model Import(TextFormatDocument doc, string? modelPath, NetParameter? weights, TensorShape? dataShape)
    {
        var importer = new CaffeImporter(doc, modelPath, weights, dataShape);
        return importer.Run();
    }

    private Model Run()
    {
        if (_net.Layer.Count > 0 && _net.Layers.Count > 0)
        {
            throw At(_net.Layers[0], -1, 0, "layers[0]", "the net has both V2 'layer' and legacy V1 'layers' entries; Caffe refuses such a net: use one form");
        }

        foreach (LayerParameter layer in _net.Layer)
        {
            _layers.Add(layer);
            _origins.Add(layer);
        }

        foreach (V1LayerParameter v1 in _net.Layers)
        {
            _layers.Add(LayerUpgrade.ToV2(v1));
            _origins.Add(v1);
        }

        _graph.Name = _net.HasName ? _net.Name : Path.GetFileNameWithoutExtension(_path);
        var model = new Model(_graph) { SourceFormat = CaffeFormat.FormatName, ProducerName = "caffe" };
        DeclareLegacyInputs(model);
        for (_index = 0; _index < _layers.Count; _index++)
        {
            ImportLayer(model);
        }

        if (_graph.Inputs.Count == 0)
        {
            throw new ModelFormatException("the net declares no input: add an Input layer, or 'input' with 'input_shape' or 'input_dim'") { FilePath = _path };
        }

        SetOutputs();
        Complete(model);
        return model;
    }

    private void DeclareLegacyInputs(Model model)
    {
        if (_net.Input.Count == 0)
        {
            if (_net.InputShape.Count > 0 || _net.InputDim.Count > 0)
            {
                throw At(_net, NetParameter.InputShapeFieldNumber, 0, _net.InputShape.Count > 0 ? "input_shape" : "input_dim", "'input_shape'/'input_dim' without 'input' names");
            }

            return;
        }

        int n = _net.Input.Count;
        for (int i = 0; i < n; i++)
        {
            TensorShape shape;
            if (_net.InputShape.Count > 0)
            {
                if (_net.InputShape.Count != n)
                {
                    throw At(_net, NetParameter.InputShapeFieldNumber, 0, "input_shape", $"{n} inputs need {n} 'input_shape' entries, got {_net.InputShape.Count}");
                }

                shape = Shape(_net.InputShape[i], $"input_shape[{i}]", _net, NetParameter.InputShapeFieldNumber, i);
                model.Metadata[CaffeMetadata.InputForm] = "input_shape";
            }
            else if (_net.InputDim.Count > 0)
            {
                if (_net.InputDim.Count != 4 * n)
                {
                    throw At(_net, NetParameter.InputDimFieldNumber, 0, "input_dim", $"{n} inputs need {4 * n} 'input_dim' values (N, C, H, W each), got {_net.InputDim.Count}");
                }

                int[] dims = [.. _net.InputDim.Skip(4 * i).Take(4)];
                if (dims.Any(d => d <= 0))
                {
                    throw At(_net, NetParameter.InputDimFieldNumber, 4 * i, "input_dim", $"input '{_net.Input[i]}' has a non-positive dimension: {string.Join(" x ", dims)}");
                }

                shape = TensorShape.Of(dims);
                model.Metadata[CaffeMetadata.InputForm] = "input_dim";
            }
            else
            {
                throw At(_net, NetParameter.InputFieldNumber, i, "input", $"input '{_net.Input[i]}' has no shape: add 'input_shape {{ dim: ... }}' or four 'input_dim' values");
            }

            AddInput(_net.Input[i], shape, _net, NetParameter.InputFieldNumber, i);
        }
    }

    private void AddInput(string name, TensorShape shape, IMessage at, int field, int index)
    {
        if (shape.ElementCount > 1L << 30)
        {
            throw At(at, field, index, null, $"input '{name}' has {shape.ElementCount} values, more than 2^30");
        }

        if (!_names.Add(name))
        {
            throw At(at, field, index, null, $"input '{name}' is declared twice");
        }

        _graph.Inputs.Add(new ValueInfo(name, DataType.Float32, shape));
        _shapes[name] = shape;
        _current[name] = name;
    }

    private TensorShape Shape(BlobShape shape, string field, IMessage at, int fieldNumber, int index)
    {
        if (shape.Dim.Count == 0 || shape.Dim.Any(d => d <= 0 || d > int.MaxValue))
        {
            throw At(at, fieldNumber, index, field, $"a shape needs positive dimensions, got [{string.Join(", ", shape.Dim)}]");
        }

        return TensorShape.Of([.. shape.Dim.Select(d => (int)d)]);
    }

    private void ImportLayer(Model model)
    {
        _layer = _layers[_index];
        _layerNodes = [];
        _blobForms = [];
        _doubleBlobs = [];
        _pendingTops = new(StringComparer.Ordinal);
        if (!_layer.HasType || _layer.Type.Length == 0)
        {
            throw LayerError(null, "the layer has no 'type'");
        }

        if (IsTrainingOnly(_layer))
        {
            _skipped.Add(string.Create(CultureInfo.InvariantCulture, $"{_index}\t{CaffeTextStyle.Print(_layer)}"));
            DeclareDataTops();
            return;
        }

        if (_layer.Type == "Input")
        {
            ImportInputLayer(model);
            return;
        }

        SelectBlobSource();
        MapLayer();
        if (_layerNodes.Count == 0)
        {
            throw new InvalidOperationException($"layer '{_layer.Name}' produced no node");
        }

        InferLayer();
        Node head = _layerNodes[0];
        foreach (Node node in _layerNodes)
        {
            node.Metadata[CaffeMetadata.Layer] = _layer.Name;
            node.Metadata[CaffeMetadata.Type] = _layer.Type;
            node.Metadata[MetadataKeys.SourceLayer] = (long)_index;
        }

        head.Metadata[CaffeMetadata.Tops] = AttributeValue.FromStrings(_layer.Top);
        string extra = Extra();
        if (extra.Length > 0)
        {
            head.Metadata[CaffeMetadata.Extra] = extra;
        }

        if (_doc.LeadingComments.TryGetValue(_origins[_index], out IReadOnlyList<string>? comments))
        {
            head.Metadata[CaffeMetadata.Comments] = AttributeValue.FromStrings(comments);
        }

        if (_blobForms.Count > 0 && _source is not null)
        {
            head.Metadata[CaffeMetadata.BlobShapes] = AttributeValue.FromStrings(_blobForms);
        }

        foreach ((int index, TensorData doubles) in _doubleBlobs)
        {
            head.Metadata[CaffeMetadata.DoubleBlobPrefix + index.ToString(CultureInfo.InvariantCulture)] = AttributeValue.FromTensor(doubles);
        }

        foreach ((string top, string value) in _pendingTops)
        {
            _current[top] = value;
        }
    }

    private static bool IsTrainingOnly(LayerParameter layer)
    {
        bool inTest = layer.Include.Count == 0 || layer.Include.Any(r => !r.HasPhase || r.Phase == Phase.Test);
        bool excluded = layer.Exclude.Any(r => !r.HasPhase || r.Phase == Phase.Test);
        if (layer.HasPhase && layer.Phase == Phase.Train)
        {
            return true;
        }

        return !inTest || excluded || IsDataType(layer.Type) || layer.Type is "Accuracy" or "Silence" or "HDF5Output"
            || layer.Type.EndsWith("Loss", StringComparison.Ordinal);
    }

    private static bool IsDataType(string type) => type is "Data" or "ImageData" or "HDF5Data" or "MemoryData" or "WindowData" or "DummyData";

    private void DeclareDataTops()
    {
        bool inTest = (_layer.Include.Count == 0 || _layer.Include.Any(r => !r.HasPhase || r.Phase == Phase.Test))
            && !_layer.Exclude.Any(r => !r.HasPhase || r.Phase == Phase.Test);
        if (!IsDataType(_layer.Type) || !inTest || _layer.Top.Count == 0 || _current.ContainsKey(_layer.Top[0]))
        {
            return;
        }

        TensorShape? shape = _dataShape;
        if (shape is null && _layer.MemoryDataParam is { } m && m.BatchSize > 0 && m.Channels > 0 && m.Height > 0 && m.Width > 0)
        {
            shape = TensorShape.Of(checked((int)m.BatchSize), checked((int)m.Channels), checked((int)m.Height), checked((int)m.Width));
        }

        if (shape is null && _layer.DummyDataParam is { Shape.Count: > 0 } d)
        {
            shape = Shape(d.Shape[0], "dummy_data_param.shape[0]", d, DummyDataParameter.ShapeFieldNumber, 0);
        }

        if (shape is null)
        {
            foreach (string top in _layer.Top)
            {
                _unshapedData[top] = _layer.Name;
            }

            return;
        }

        AddInput(_layer.Top[0], shape, _origins[_index], -1, 0);
        _dataInputs.Add(_layer.Top[0]);
    }

    private void ImportInputLayer(Model model)
    {
        InputParameter? p = _layer.InputParam;
        if (p is null || p.Shape.Count == 0 || (p.Shape.Count != 1 && p.Shape.Count != _layer.Top.Count) || _layer.Top.Count == 0)
        {
            throw LayerError("input_param.shape", $"an Input layer needs one 'shape' for all tops or one per top; it has {_layer.Top.Count} tops and {p?.Shape.Count ?? 0} shapes");
        }

        for (int i = 0; i < _layer.Top.Count; i++)
        {
            int s = p.Shape.Count == 1 ? 0 : i;
            TensorShape shape = Shape(p.Shape[s], $"{_prefix}[{_index}].input_param.shape[{s}]", p, InputParameter.ShapeFieldNumber, s);
            AddInput(_layer.Top[i], shape, _origins[_index], -1, 0);
        }

        if (model.Metadata.ContainsKey(CaffeMetadata.InputForm))
        {
            throw LayerError(null, "the net declares inputs both with 'input' and with an Input layer; use one form");
        }

        model.Metadata[CaffeMetadata.InputForm] = "layer";
        model.Metadata[CaffeMetadata.InputLayer] = _layer.Name;
        string extra = Extra();
        if (extra.Length > 0)
        {
            model.Metadata[CaffeMetadata.InputLayer + ".extra"] = extra;
        }
    }

    private void SelectBlobSource()
    {
        _source = null;
        if (_weights.TryGetValue(_layer.Name, out (int Index, string Path, List<BlobProto> Blobs) found))
        {
            _source = found.Blobs;
            _sourceFile = _modelPath;
            _sourcePath = found.Path;
        }
        else if (_layer.Blobs.Count > 0)
        {
            _source = [.. _layer.Blobs];
            _sourceFile = _path;
            _sourcePath = $"{_prefix}[{_index}]";
        }
    }

    // ---- values and nodes

    private string Bottom(int i)
    {
        if (i >= _layer.Bottom.Count)
        {
            throw LayerError("bottom", $"{_layer.Type} needs at least {i + 1} bottom(s), got {_layer.Bottom.Count}");
        }

        string blob = _layer.Bottom[i];
        if (_current.TryGetValue(blob, out string? value))
        {
            return value;
        }

        string hint = _unshapedData.TryGetValue(blob, out string? data)
            ? $"it comes from the data layer '{data}', whose shape only its database knows: pass --{CaffeFormat.InputShapeOption} N,C,H,W or declare an Input layer"
            : "no earlier layer or input produces it";
        throw At(_origins[_index], BottomField, i, $"bottom[{i}]", $"layer '{_layer.Name}': bottom '{blob}' is undefined: {hint}");
    }

    private int BottomField => _origins[_index] is V1LayerParameter ? V1LayerParameter.BottomFieldNumber : LayerParameter.BottomFieldNumber;

    private TensorShape ShapeOf(string value) => _shapes[value];

    private string Top(int i)
    {
        if (i >= _layer.Top.Count)
        {
            throw LayerError("top", $"{_layer.Type} needs {i + 1} top(s), got {_layer.Top.Count}");
        }

        string blob = _layer.Top[i];
        if (_pendingTops.TryGetValue(blob, out string? already))
        {
            throw LayerError($"top[{i}]", $"top '{blob}' is listed twice");
        }

        string value = Unique(_names.Contains(blob) ? $"{blob}/{_layer.Name}" : blob);
        _pendingTops[blob] = value;
        return value;
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !_names.Add(candidate); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{i}");
        }

        return candidate;
    }

    private Node Emit(string opType, string? suffix, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        string preferred = suffix is null ? _layer.Name : $"{_layer.Name}/{suffix}";
        string name = preferred;
        for (int i = 1; !_nodeNames.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{preferred}_{i}");
        }

        var node = new Node(opType, name, inputs, outputs);
        _graph.Nodes.Add(node);
        _layerNodes.Add(node);
        _nodeLayer[name] = _index;
        return node;
    }

    private string Intermediate(string suffix) => Unique($"{_layer.Name}/{suffix}");

    private string Constant(string role, TensorData tensor)
    {
        string name = Unique($"{_layer.Name}.{role}");
        _graph.AddInitializer(name, tensor);
        return name;
    }

    /// <summary>Checks the layer's blob count against what its parameters imply (when blobs were given).</summary>
    private void ExpectBlobs(int count, string roles)
    {
        if (_source is not null && _source.Count != count)
        {
            throw new ModelFormatException($"layer '{_layer.Name}' ({_layer.Type}) has {_source.Count} blob(s), but its parameters imply {count}: {roles}")
            {
                FilePath = _sourceFile,
                FieldPath = $"{_sourcePath}.blobs",
            };
        }
    }

    /// <summary>Blob <paramref name="index"/> of the layer as an initializer of <paramref name="shape"/>, or zeros without weights.</summary>
    private string Blob(int index, string role, TensorShape shape)
    {
        return Constant(role, BlobData(index, role, shape));
    }

    private TensorData BlobData(int index, string role, TensorShape shape)
    {
        if (_source is null)
        {
            _zeroFilled += shape.ElementCount;
            if (_zeroFilled > MaxZeroFilledFloats)
            {
                throw LayerError(null, $"the net implies more than {MaxZeroFilledFloats:N0} parameters; without a caffemodel this plugin zero-fills at most that many. Check num_output and kernel sizes, or give the .caffemodel");
            }

            return TensorData.Zeros(DataType.Float32, shape);
        }

        _anyBlobs = true;
        var blob = CaffeBlob.From(_source[index]);
        string field = $"{_sourcePath}.blobs[{index}]";
        if (!blob.Matches(shape))
        {
            throw new ModelFormatException($"layer '{_layer.Name}' ({_layer.Type}) blob {index} ({role}): shape {blob.DimsText} in the {(ReferenceEquals(_sourceFile, _path) ? "prototxt" : "caffemodel")}, but the net implies {string.Join(" x ", shape.Dimensions)}")
            {
                FilePath = _sourceFile,
                FieldPath = field,
            };
        }

        if (blob.Values.Length != shape.ElementCount)
        {
            throw new ModelFormatException($"layer '{_layer.Name}' ({_layer.Type}) blob {index} ({role}): {blob.Values.Length} values for shape {blob.DimsText} ({shape.ElementCount} expected)")
            {
                FilePath = _sourceFile,
                FieldPath = field,
            };
        }

        while (_blobForms.Count < index)
        {
            _blobForms.Add(string.Empty);
        }

        _blobForms.Add(blob.ShapeForm);
        if (blob.Doubles is not null)
        {
            _doubleBlobs[index] = TensorData.Create(shape, blob.Doubles);
        }

        return TensorData.Create(shape, blob.Values);
    }

    private void InferLayer()
    {
        var temp = new Graph();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (Node node in _layerNodes)
        {
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0 || produced.Contains(input) || temp.Initializers.ContainsKey(input) || temp.Inputs.Any(v => v.Name == input))
                {
                    continue;
                }

                if (_graph.Initializers.TryGetValue(input, out TensorData? tensor))
                {
                    temp.Initializers[input] = tensor;
                }
                else
                {
                    temp.Inputs.Add(new ValueInfo(input, DataType.Float32, _shapes[input]));
                }
            }

            temp.Nodes.Add(node);
            produced.UnionWith(node.Outputs);
        }

        try
        {
            ShapeInference.Run(temp);
        }
        catch (IrValidationException ex)
        {
            throw LayerError(ParamFieldName(_layer.Type), ex.Message, ex);
        }
        catch (OverflowException ex)
        {
            throw LayerError(null, "the layer's output size overflows 32-bit dimensions", ex);
        }

        foreach (Node node in _layerNodes)
        {
            foreach (string output in node.Outputs)
            {
                TensorShape shape = temp.ValueInfos[output].Shape;
                if (shape.Dimensions.Any(d => d <= 0))
                {
                    throw LayerError(ParamFieldName(_layer.Type), $"the output would be {shape}: the input is too small for this layer's kernel, stride and padding");
                }

                _shapes[output] = shape;
            }
        }
    }

    private void SetOutputs()
    {
        var consumed = new HashSet<string>(_graph.Nodes.SelectMany(n => n.Inputs), StringComparer.Ordinal);
        consumed.UnionWith(_shapeReferences);
        var current = new HashSet<string>(_current.Values, StringComparer.Ordinal);
        foreach (Node node in _graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                if (current.Contains(output) && !consumed.Contains(output))
                {
                    _graph.Outputs.Add(output);
                }
            }
        }

        if (_graph.Outputs.Count == 0)
        {
            throw new ModelFormatException("the net has no output: every blob is read by a later layer, or no layer was imported") { FilePath = _path };
        }
    }

    private void Complete(Model model)
    {
        if (_net.HasName)
        {
            model.Metadata[CaffeMetadata.NetName] = _net.Name;
        }

        model.Metadata[CaffeMetadata.LayerFormat] = _prefix;
        model.Metadata[CaffeMetadata.Weights] = _anyBlobs ? "present" : "absent";
        if (_skipped.Count > 0)
        {
            model.Metadata[CaffeMetadata.SkippedLayers] = AttributeValue.FromStrings(_skipped);
        }

        if (_dataInputs.Count > 0)
        {
            model.Metadata[CaffeMetadata.DataInputs] = AttributeValue.FromStrings(_dataInputs);
        }

        if (_doc.HeaderComments.Count > 0)
        {
            model.Metadata[CaffeMetadata.HeaderComments] = AttributeValue.FromStrings(_doc.HeaderComments);
        }

        NetParameter rest = _net.Clone();
        rest.ClearName();
        rest.Input.Clear();
        rest.InputShape.Clear();
        rest.InputDim.Clear();
        rest.Layer.Clear();
        rest.Layers.Clear();
        string netExtra = CaffeTextStyle.Print(rest);
        if (netExtra.Length > 0)
        {
            model.Metadata[CaffeMetadata.NetExtra] = netExtra;
        }

        try
        {
            ShapeInference.Run(_graph);
            GraphVerifier.VerifyOrThrow(_graph);
        }
        catch (IrValidationException ex)
        {
            if (ex.NodeName is not null && _nodeLayer.TryGetValue(ex.NodeName, out int index))
            {
                _index = index;
                _layer = _layers[index];
                throw LayerError(ParamFieldName(_layer.Type), ex.Message, ex);
            }

            throw new ModelFormatException(ex.Message, ex) { FilePath = _path };
        }
    }

    /// <summary>The layer's fields that the IR does not carry, as text format ("" when none).</summary>
    private string Extra()
    {
        LayerParameter extra = _layer.Clone();
        extra.ClearName();
        extra.ClearType();
        extra.Bottom.Clear();
        extra.Top.Clear();
        extra.Blobs.Clear();
        string? param = ParamFieldName(_layer.Type);
        FieldDescriptor? field = param is null ? null : LayerParameter.Descriptor.FindFieldByName(param);
        if (field?.Accessor.GetValue(extra) is IMessage message)
        {
            foreach (FieldDescriptor f in message.Descriptor.Fields.InDeclarationOrder())
            {
                if (!s_keptParamFields.Contains(f.Name))
                {
                    f.Accessor.Clear(message);
                }
            }

            if (message.CalculateSize() == 0)
            {
                field.Accessor.Clear(extra);
            }
        }

        if (_layer.Type == "Input")
        {
            extra.InputParam = null;
        }

        return CaffeTextStyle.Print(extra);
    }

    /// <summary>The <c>*_param</c> field a layer type is configured by, or null.</summary>
    internal static string? ParamFieldName(string type) => type switch
    {
        "Convolution" or "Deconvolution" => "convolution_param",
        "InnerProduct" => "inner_product_param",
        "BatchNorm" => "batch_norm_param",
        "Scale" => "scale_param",
        "Bias" => "bias_param",
        "Pooling" => "pooling_param",
        "ReLU" => "relu_param",
        "PReLU" => "prelu_param",
        "ELU" => "elu_param",
        "Sigmoid" => "sigmoid_param",
        "TanH" => "tanh_param",
        "Eltwise" => "eltwise_param",
        "Concat" => "concat_param",
        "Slice" => "slice_param",
        "Flatten" => "flatten_param",
        "Reshape" => "reshape_param",
        "Softmax" => "softmax_param",
        "LRN" => "lrn_param",
        "Dropout" => "dropout_param",
        "Power" => "power_param",
        "Crop" => "crop_param",
        "Permute" => "permute_param",
        _ => null,
    };

    // ---- errors

    private ModelFormatException LayerError(string? field, string message, Exception? inner = null)
    {
        IMessage origin = _origins[_index];
        SourcePosition? at = _doc.Find(origin);
        if (field is not null && field.Contains('_', StringComparison.Ordinal))
        {
            string first = field.Split('.')[0];
            FieldDescriptor? f = LayerParameter.Descriptor.FindFieldByName(first);
            if (f?.FieldType == FieldType.Message && f.Accessor.GetValue(_layer) is IMessage sub)
            {
                at = _doc.Find(sub) ?? at;
                string[] parts = field.Split('.');
                FieldDescriptor? inner2 = parts.Length > 1 ? sub.Descriptor.FindFieldByName(parts[1]) : null;
                if (inner2 is not null)
                {
                    at = _doc.Find(sub, inner2.FieldNumber) ?? at;
                }
            }
        }

        string layerName = _layer.HasName ? $"layer '{_layer.Name}' ({_layer.Type})" : $"{_layer.Type} layer";
        return new ModelFormatException($"{layerName}: {message}", inner)
        {
            FilePath = _path,
            Line = at?.Line,
            Column = at?.Column,
            FieldPath = field is null ? $"{_prefix}[{_index}]" : $"{_prefix}[{_index}].{field}",
        };
    }

    private ModelFormatException At(IMessage message, int field, int index, string? fieldPath, string text)
    {
        SourcePosition? at = field < 0 ? _doc.Find(message) : _doc.Find(message, field, index);
        string? path = fieldPath;
        if (!ReferenceEquals(message, _net) && _index < _origins.Count && _layers.Count > 0)
        {
            path = fieldPath is null ? $"{_prefix}[{_index}]" : fieldPath.StartsWith(_prefix, StringComparison.Ordinal) ? fieldPath : $"{_prefix}[{_index}].{fieldPath}";
        }

        return new ModelFormatException(text)
        {
            FilePath = _path,
            Line = at?.Line,
            Column = at?.Column,
            FieldPath = path,
        };
    }
}
