using System.Globalization;
using System.Runtime.InteropServices;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Converters.Ir.Verification;
using Converters.Plugins.TensorFlow.Checkpoint;
using Google.Protobuf;
using Tensorflow;
using IrType = Converters.Ir.DataType;
using TfType = Tensorflow.DataType;

namespace Converters.Plugins.TensorFlow.Mapping;

/// <summary>
/// Builds the IR from a frozen GraphDef. TensorFlow's NHWC tensors become NCHW IR values at the inputs
/// (the original layout is recorded in metadata); attribute axes are translated, and a flatten of an NHWC
/// tensor becomes Transpose(0,2,3,1) + Flatten so that the following MatMul's weights line up.
/// </summary>
internal sealed partial class TensorFlowImporter
{
    private readonly GraphDef _def;
    private readonly string _path;
    private readonly CheckpointReader? _checkpoint;
    private readonly Graph _graph = new();
    private readonly Dictionary<string, TfValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _irNames = new(StringComparer.Ordinal);
    private NodeDef _node = null!;
    private int _index;
    private bool _anyNhwcInput;
    private bool _anyNchwInput;

    private TensorFlowImporter(GraphDef def, string path, CheckpointReader? checkpoint)
    {
        _def = def;
        _path = path;
        _checkpoint = checkpoint;
    }

    /// <summary>Imports <paramref name="def"/>; variables take their values from <paramref name="checkpoint"/>.</summary>
    public static Model Import(GraphDef def, string path, CheckpointReader? checkpoint = null)
    {
        var importer = new TensorFlowImporter(def, path, checkpoint);
        return importer.Run();
    }

    private Model Run()
    {
        _graph.Name = Path.GetFileNameWithoutExtension(_path);
        var model = new Model(_graph) { SourceFormat = TensorFlowFormat.FormatName, ProducerName = "tensorflow" };
        for (_index = 0; _index < _def.Node.Count; _index++)
        {
            _node = _def.Node[_index];
            if (IsSaverOrInitializer(_node))
            {
                continue;
            }

            if (_values.ContainsKey(_node.Name))
            {
                throw Error(null, $"node name '{_node.Name}' is used twice");
            }

            ImportNode();
        }

        if (_graph.Inputs.Count == 0)
        {
            throw new ModelFormatException("the graph has no Placeholder input") { FilePath = _path };
        }

        SetOutputs();
        if (_anyNhwcInput || _anyNchwInput)
        {
            model.Metadata[TensorFlowMetadata.InputLayout] = _anyNhwcInput ? "NHWC" : "NCHW";
        }

        if (_def.Versions is { } versions)
        {
            model.Metadata[TensorFlowMetadata.Producer] = (long)versions.Producer;
        }

        try
        {
            ShapeInference.Run(_graph);
            GraphVerifier.VerifyOrThrow(_graph);
        }
        catch (IrValidationException ex)
        {
            throw new ModelFormatException(ex.Message, ex) { FilePath = _path };
        }

        return model;
    }

    private void SetOutputs()
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeDef node in _def.Node)
        {
            foreach (string input in node.Input)
            {
                if (!input.StartsWith('^'))
                {
                    consumed.Add(SplitInput(input).Name);
                }
            }
        }

        foreach (NodeDef node in _def.Node)
        {
            if (!consumed.Contains(node.Name) && node.Op is not ("Const" or "Placeholder" or "NoOp") && _values.TryGetValue(node.Name, out TfValue? value) && value.Ir.Length > 0 && !_graph.Outputs.Contains(value.Ir))
            {
                _graph.Outputs.Add(value.Ir);
            }
        }

        if (_graph.Outputs.Count == 0)
        {
            throw new ModelFormatException("the graph has no output: every node's result is read by another node, or only constants and placeholders remain") { FilePath = _path };
        }
    }

    private static (string Name, int Port) SplitInput(string input)
    {
        int colon = input.LastIndexOf(':');
        if (colon > 0 && int.TryParse(input.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            return (input[..colon], port);
        }

        return (input, 0);
    }

    /// <summary>The node's data inputs (control inputs dropped).</summary>
    private List<string> DataInputs() => [.. _node.Input.Where(i => !i.StartsWith('^'))];

    private TfValue Input(int i, int? expectedCount = null)
    {
        List<string> inputs = DataInputs();
        if (expectedCount is { } n && inputs.Count != n)
        {
            throw Error("input", $"{_node.Op} takes {n} inputs, got {inputs.Count}");
        }

        if (i >= inputs.Count)
        {
            throw Error("input", $"{_node.Op} needs at least {i + 1} inputs, got {inputs.Count}");
        }

        (string name, int port) = SplitInput(inputs[i]);
        if (port != 0)
        {
            throw Error($"input[{i}]", $"reads output {port} of '{name}'; only the first output of a node is supported");
        }

        return _values.TryGetValue(name, out TfValue? value)
            ? value
            : throw Error($"input[{i}]", $"input '{name}' is not defined before this node (the GraphDef must list nodes in topological order)");
    }

    /// <summary>The IR value of a tensor used as data: a Const becomes an initializer on first use.</summary>
    private string Data(TfValue value, string? asName = null)
    {
        if (value.Ir.Length > 0)
        {
            return value.Ir;
        }

        TensorData tensor = value.Constant!;
        return _graph.AddInitializer(Unique(asName ?? "const"), tensor);
    }

    private TensorData ConstInput(int i, string role)
    {
        TfValue value = Input(i);
        return value.Constant ?? throw Error($"input[{i}]", $"the {role} must be a Const (a frozen graph); it is computed by another node");
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 1; !_irNames.Add(candidate) || _graph.Initializers.ContainsKey(candidate); k++)
        {
            candidate = $"{name}_{k}";
        }

        return candidate;
    }

    private Node Emit(string opType, string? suffix, IEnumerable<string> inputs, string? output = null)
    {
        string name = Unique(suffix is null ? _node.Name : $"{_node.Name}/{suffix}");
        string outName = output ?? name;
        var node = new Node(opType, name, inputs, [outName]);
        node.Metadata[TensorFlowMetadata.NodeName] = _node.Name;
        node.Metadata[TensorFlowMetadata.Op] = _node.Op;
        _graph.Nodes.Add(node);
        return node;
    }

    /// <summary>Infers the output shape of <paramref name="node"/> from the shapes known so far.</summary>
    private TensorShape Infer(Node node)
    {
        var temp = new Graph();
        foreach (string input in node.Inputs.Distinct(StringComparer.Ordinal))
        {
            if (_graph.Initializers.TryGetValue(input, out TensorData? tensor))
            {
                temp.Initializers[input] = tensor;
            }
            else
            {
                TfValue known = _values.Values.First(v => v.Ir == input);
                temp.Inputs.Add(new ValueInfo(input, IrType.Float32, known.Shape));
            }
        }

        temp.Nodes.Add(node);
        try
        {
            ShapeInference.Run(temp);
        }
        catch (IrValidationException ex)
        {
            throw Error(null, ex.Message, ex);
        }

        TensorShape shape = temp.ValueInfos[node.Outputs[0]].Shape;
        if (shape.Dimensions.Any(d => d <= 0))
        {
            throw Error(null, $"the output would be {shape}: the input is too small for this node's window and padding");
        }

        return shape;
    }

    /// <summary>Records the last emitted node's output as the TF node's value.</summary>
    private void Define(Node node, bool nhwc)
    {
        TensorShape shape = Infer(node);
        _values[_node.Name] = new TfValue(node.Outputs[0], shape, nhwc && shape.Rank == 4, null);
    }

    /// <summary>Emits an intermediate node and returns its output with its inferred shape, registered under a hidden name.</summary>
    private string Step(Node node)
    {
        TensorShape shape = Infer(node);
        _values["\0" + node.Outputs[0]] = new TfValue(node.Outputs[0], shape, false, null);
        return node.Outputs[0];
    }

    private ModelFormatException Error(string? field, string message, Exception? inner = null) =>
        new($"node '{_node.Name}' ({_node.Op}): {message}", inner)
        {
            FilePath = _path,
            FieldPath = field is null ? $"node[{_index}]" : $"node[{_index}].{field}",
        };

    private AttrValue? Attr(string name) => _node.Attr.TryGetValue(name, out AttrValue? value) ? value : null;

    private AttrValue AttrOf(string name, AttrValue.ValueOneofCase kind, string what)
    {
        AttrValue? value = Attr(name);
        if (value is null)
        {
            throw Error($"attr.{name}", $"attr '{name}' is required");
        }

        return value.ValueCase == kind ? value : throw Error($"attr.{name}", $"attr '{name}' must be {what}, got {Describe(value)}");
    }

    private static string Describe(AttrValue value) => value.ValueCase switch
    {
        AttrValue.ValueOneofCase.List => "a list",
        AttrValue.ValueOneofCase.S => "a string",
        AttrValue.ValueOneofCase.I => "an int",
        AttrValue.ValueOneofCase.F => "a float",
        AttrValue.ValueOneofCase.B => "a bool",
        AttrValue.ValueOneofCase.Type => "a type",
        AttrValue.ValueOneofCase.Shape => "a shape",
        AttrValue.ValueOneofCase.Tensor => "a tensor",
        _ => "unset",
    };

    private string StringAttr(string name, string fallback)
    {
        AttrValue? value = Attr(name);
        if (value is null)
        {
            return fallback;
        }

        return value.ValueCase == AttrValue.ValueOneofCase.S ? value.S.ToStringUtf8() : throw Error($"attr.{name}", $"attr '{name}' must be a string, got {Describe(value)}");
    }

    private float FloatAttr(string name, float fallback)
    {
        AttrValue? value = Attr(name);
        if (value is null)
        {
            return fallback;
        }

        return value.ValueCase == AttrValue.ValueOneofCase.F ? value.F : throw Error($"attr.{name}", $"attr '{name}' must be a float, got {Describe(value)}");
    }

    private bool BoolAttr(string name, bool fallback)
    {
        AttrValue? value = Attr(name);
        if (value is null)
        {
            return fallback;
        }

        return value.ValueCase == AttrValue.ValueOneofCase.B ? value.B : throw Error($"attr.{name}", $"attr '{name}' must be a bool, got {Describe(value)}");
    }

    private long[] IntsAttr(string name, int count, long fallback)
    {
        AttrValue? value = Attr(name);
        if (value is null)
        {
            return [.. Enumerable.Repeat(fallback, count)];
        }

        if (value.ValueCase != AttrValue.ValueOneofCase.List || value.List.I.Count != count)
        {
            throw Error($"attr.{name}", $"attr '{name}' must be a list of {count} ints, got {Describe(value)}{(value.ValueCase == AttrValue.ValueOneofCase.List ? $" of {value.List.I.Count} ints" : string.Empty)}");
        }

        return [.. value.List.I];
    }

    /// <summary>The (H, W) pair of a 4-element NHWC/NCHW attribute such as strides or ksize.</summary>
    private (int H, int W) Spatial(string name, bool nhwc)
    {
        long[] v = IntsAttr(name, 4, 1);
        (long h, long w) = nhwc ? (v[1], v[2]) : (v[2], v[3]);
        long batch = v[0];
        long channel = nhwc ? v[3] : v[1];
        if (h <= 0 || w <= 0 || h > int.MaxValue || w > int.MaxValue || batch != 1 || channel != 1)
        {
            throw Error($"attr.{name}", $"attr '{name}' [{string.Join(", ", v)}] must be positive with 1 in the batch and channel positions");
        }

        return ((int)h, (int)w);
    }

    private bool DataFormat()
    {
        string format = StringAttr("data_format", "NHWC");
        return format switch
        {
            "NHWC" => true,
            "NCHW" => false,
            _ => throw Error("attr.data_format", $"data_format '{format}' is not supported (NHWC or NCHW)"),
        };
    }

    private TfValue Input4D(int i, bool nhwc)
    {
        TfValue x = Input(i);
        if (x.Shape.Rank != 4 || x.Constant is not null)
        {
            throw Error($"input[{i}]", $"expects a computed 4-D tensor, got {(x.Constant is not null ? "a Const" : $"shape {x.Shape}")}");
        }

        if (x.Nhwc != nhwc)
        {
            throw Error("attr.data_format", $"data_format {(nhwc ? "NHWC" : "NCHW")} disagrees with the input's layout ({(x.Nhwc ? "NHWC" : "NCHW")}); mixed layouts are not supported");
        }

        return x;
    }

    /// <summary>Pads (top, left, bottom, right) for a window over an IR NCHW input.</summary>
    private int[] Padding(TensorShape x, int kh, int kw, int sh, int sw, int dh, int dw, bool nhwc)
    {
        string padding = StringAttr("padding", string.Empty);
        switch (padding)
        {
            case "VALID":
                return [0, 0, 0, 0];
            case "SAME":
                (int top, int bottom) = Same(x[2], kh, sh, dh);
                (int left, int right) = Same(x[3], kw, sw, dw);
                return [top, left, bottom, right];
            case "EXPLICIT":
                long[] p = IntsAttr("explicit_paddings", 8, 0);
                int hIndex = nhwc ? 1 : 2;
                int wIndex = nhwc ? 2 : 3;
                if (p.Any(v => v < 0 || v > int.MaxValue))
                {
                    throw Error("attr.explicit_paddings", "explicit_paddings must be non-negative");
                }

                return [(int)p[2 * hIndex], (int)p[2 * wIndex], (int)p[(2 * hIndex) + 1], (int)p[(2 * wIndex) + 1]];
            default:
                throw Error("attr.padding", $"padding '{padding}' is not supported (SAME, VALID or EXPLICIT)");
        }
    }

    /// <summary>TensorFlow SAME: output ceil(in / s); the odd pixel of the total padding goes after (bottom/right).</summary>
    private static (int Before, int After) Same(int input, int kernel, int stride, int dilation)
    {
        long effective = ((long)(kernel - 1) * dilation) + 1;
        long output = (input + (long)stride - 1) / stride;
        long total = Math.Max(((output - 1) * stride) + effective - input, 0);
        return ((int)(total / 2), (int)(total - (total / 2)));
    }

    private static int[] Dims(TensorShapeProto shape) => [.. shape.Dim.Select(d => checked((int)d.Size))];

    private TensorData ReadTensor(TensorProto proto, string field)
    {
        if (proto.TensorShape is { UnknownRank: true })
        {
            throw Error(field, "the tensor's shape has unknown rank");
        }

        int[] dims = proto.TensorShape is null ? [] : Dims(proto.TensorShape);
        if (dims.Any(d => d < 0))
        {
            throw Error(field, $"the tensor's shape [{string.Join(", ", dims)}] has unknown dimensions");
        }

        var shape = TensorShape.Of(dims);
        long count = shape.ElementCount;
        switch (proto.Dtype)
        {
            case TfType.DtFloat:
                return Fill(shape, count, proto.TensorContent, proto.FloatVal, field, "float_val");
            case TfType.DtInt32:
                TensorData ints = Fill(shape, count, proto.TensorContent, proto.IntVal, field, "int_val");
                return TensorData.Create(shape, [.. ints.AsSpan<int>().ToArray().Select(v => (long)v)]);
            case TfType.DtInt64:
                return Fill(shape, count, proto.TensorContent, proto.Int64Val, field, "int64_val");
            default:
                throw Error(field, $"tensor dtype {proto.Dtype} is not supported (DT_FLOAT, DT_INT32, DT_INT64)");
        }
    }

    private TensorData Fill<T>(TensorShape shape, long count, ByteString content, IList<T> values, string field, string valuesName)
        where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (!content.IsEmpty)
        {
            if (content.Length != count * size)
            {
                throw Error($"{field}.tensor_content", $"tensor_content has {content.Length} bytes but the shape {shape} of {count} elements needs {count * size}");
            }

            T[] data = MemoryMarshal.Cast<byte, T>(content.Span).ToArray();
            return TensorData.Create(shape, data);
        }

        if (values.Count > count || (values.Count == 0 && count > 0))
        {
            throw Error($"{field}.{valuesName}", $"{valuesName} has {values.Count} values but the shape {shape} has {count} elements");
        }

        var filled = new T[count];
        for (long i = 0; i < count; i++)
        {
            filled[i] = values[(int)Math.Min(i, values.Count - 1)];
        }

        return TensorData.Create(shape, filled);
    }
}
