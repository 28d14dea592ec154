using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Google.Protobuf;
using Tensorflow;
using IrType = Converters.Ir.DataType;
using TfType = Tensorflow.DataType;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>
/// Maps the IR to a frozen, NHWC GraphDef like the ones TensorFlow users have: 4-D values are NHWC
/// (<c>Placeholder</c> [N, H, W, C]), kernels HWIO <c>Const</c>s, and every IR node becomes the TF ops that
/// compute the same tensor. The last TF node of an IR node is named after its output value.
/// </summary>
internal sealed partial class TensorFlowExporter
{
    /// <summary>TF axis j of a 4-D NHWC tensor is IR (NCHW) axis <c>s_irAxisOfTf[j]</c>.</summary>
    private static readonly int[] s_irAxisOfTf = [0, 2, 3, 1];

    /// <summary>IR axis a of a 4-D tensor is TF (NHWC) axis <c>s_tfAxisOfIr[a]</c>.</summary>
    private static readonly int[] s_tfAxisOfIr = [0, 3, 1, 2];

    private readonly Graph _graph;
    private readonly Dictionary<string, TfTensor> _tensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Node>> _consumers = new(StringComparer.Ordinal);
    private Node _node = null!;
    private int _index;

    public TensorFlowExporter(Model model)
    {
        _graph = model.Graph;
    }

    /// <summary>The GraphDef written.</summary>
    public GraphDef Def { get; } = new() { Versions = new VersionDef { Producer = 27 } };

    public GraphDef Export()
    {
        try
        {
            ShapeInference.Run(_graph);
        }
        catch (IrValidationException ex)
        {
            throw new ModelFormatException($"the model does not pass shape inference: {ex.Message}", ex);
        }

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

        foreach (ValueInfo input in _graph.Inputs)
        {
            if (_graph.Initializers.ContainsKey(input.Name))
            {
                continue;
            }

            if (input.DataType != IrType.Float32)
            {
                throw new ModelFormatException($"graph input '{input.Name}' is {DataTypeInfo.Name(input.DataType)}; the TensorFlow writer writes float inputs only") { FieldPath = input.Name };
            }

            long[] dims = input.Shape.Rank == 4 ? [input.Shape[0], input.Shape[2], input.Shape[3], input.Shape[1]] : [.. input.Shape.Dimensions.Select(d => (long)d)];
            string name = Unique(Sanitize(input.Name));
            Def.Node.Add(new NodeDef { Name = name, Op = "Placeholder", Attr = { ["dtype"] = TfAttr.Float(), ["shape"] = TfAttr.Shape(dims) } });
            _tensors[input.Name] = new TfTensor(name, input.Shape);
        }

        for (_index = 0; _index < _graph.Nodes.Count; _index++)
        {
            _node = _graph.Nodes[_index];
            ExportNode();
        }

        foreach (string output in _graph.Outputs)
        {
            TfTensor t = Tensor(output, "graph output");
            t = Materialize(t, output);
            string wanted = Sanitize(output);
            if (t.Name != wanted && _names.Add(wanted))
            {
                Def.Node.Add(new NodeDef { Name = wanted, Op = "Identity", Input = { t.Name }, Attr = { ["T"] = TfAttr.Float() } });
            }
        }

        return Def;
    }

    // ---- names

    /// <summary>A TF node name: <c>[A-Za-z0-9.][A-Za-z0-9_./]*</c>, other characters replaced by '_'.</summary>
    internal static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' ? c : '_');
        }

        while (text.Length > 0 && text[^1] == '/')
        {
            text.Length--;
        }

        if (text.Length == 0 || !(char.IsAsciiLetterOrDigit(text[0]) || text[0] == '.'))
        {
            text.Insert(0, 'n');
        }

        return text.ToString().Replace("//", "/_/", StringComparison.Ordinal);
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 1; !_names.Add(candidate); k++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{k}");
        }

        return candidate;
    }

    /// <summary>The name of the node's final TF node (its output value's name).</summary>
    private string OutputName => Sanitize(_node.Outputs[0]);

    /// <summary>A helper node's name under the node's output name.</summary>
    private string Helper(string suffix) => $"{OutputName}/{suffix}";

    // ---- emitting

    private string Emit(string op, string name, IEnumerable<string> inputs, params (string Key, AttrValue Value)[] attrs)
    {
        var def = new NodeDef { Name = Unique(name), Op = op };
        def.Input.AddRange(inputs);
        foreach ((string key, AttrValue value) in attrs)
        {
            def.Attr[key] = value;
        }

        Def.Node.Add(def);
        return def.Name;
    }

    /// <summary>A float op with attr T (and more).</summary>
    private string EmitFloat(string op, string name, IEnumerable<string> inputs, params (string Key, AttrValue Value)[] attrs) =>
        Emit(op, name, inputs, [("T", TfAttr.Float()), .. attrs]);

    /// <summary>Records the node's output value as <paramref name="tfName"/>.</summary>
    private void Define(string tfName, (int C, int H, int W)? hwcFlat = null) => _tensors[_node.Outputs[0]] = new TfTensor(tfName, ShapeOf(_node.Outputs[0]), hwcFlat);

    /// <summary>A float Const: small tensors in float_val (as TensorFlow writes them), others in tensor_content.</summary>
    private string FloatConst(string name, TensorData tensor)
    {
        var proto = new TensorProto { Dtype = TfType.DtFloat, TensorShape = ShapeProto(tensor.Shape.Dimensions.Select(d => (long)d)) };
        ReadOnlySpan<float> values = tensor.AsSpan<float>();
        if (values.Length <= 1)
        {
            proto.FloatVal.Add(values.ToArray());
        }
        else
        {
            proto.TensorContent = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }

        return Emit("Const", name, [], ("dtype", TfAttr.Float()), ("value", new AttrValue { Tensor = proto }));
    }

    /// <summary>An int32 Const in int_val (OpenCV reads axes and sizes from the typed field only).</summary>
    private string IntConst(string name, IReadOnlyList<long> values, bool scalar = false)
    {
        var proto = new TensorProto { Dtype = TfType.DtInt32, TensorShape = ShapeProto(scalar ? [] : [values.Count]) };
        proto.IntVal.Add(values.Select(v => checked((int)v)));
        return Emit("Const", name, [], ("dtype", TfAttr.Int32()), ("value", new AttrValue { Tensor = proto }));
    }

    private static TensorShapeProto ShapeProto(IEnumerable<long> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }

    // ---- reading the IR

    private TensorShape ShapeOf(string value)
    {
        if (_graph.Initializers.TryGetValue(value, out TensorData? init))
        {
            return init.Shape;
        }

        ValueInfo? info = _graph.FindValue(value);
        return info?.Shape ?? throw Error($"the shape of '{value}' is unknown");
    }

    private TfTensor Tensor(string value, string role) =>
        _tensors.TryGetValue(value, out TfTensor? t)
            ? t
            : _graph.Initializers.ContainsKey(value)
                ? throw Error($"the {role} '{value}' is a constant; the writer takes constants only as weights, biases and per-channel operands")
                : throw Error($"the {role} '{value}' is not computed before this node");

    /// <summary>The computed input <paramref name="i"/>.</summary>
    private TfTensor In(int i)
    {
        if (i >= _node.Inputs.Count || _node.Inputs[i].Length == 0)
        {
            throw Error($"input {i} is missing");
        }

        return Materialize(Tensor(_node.Inputs[i], $"input {i}"), _node.Inputs[i]);
    }

    /// <summary>A tensor in plain IR element order: a flatten kept in H, W, C order gets its Transpose + Reshape now.</summary>
    private TfTensor Materialize(TfTensor t, string value)
    {
        if (t.HwcFlat is not { } flat)
        {
            return t;
        }

        string name = Sanitize(value);
        string shape = IntConst($"{name}/nhwc_shape", [t.Shape[0], flat.H, flat.W, flat.C]);
        string four = Emit("Reshape", $"{name}/nhwc", [t.Name, shape], ("T", TfAttr.Float()), ("Tshape", TfAttr.Int32()));
        string perm = IntConst($"{name}/to_nchw", [0, 3, 1, 2]);
        string nchw = Emit("Transpose", $"{name}/nchw", [four, perm], ("T", TfAttr.Float()), ("Tperm", TfAttr.Int32()));
        string flatShape = IntConst($"{name}/chw_shape", [t.Shape[0], -1]);
        string result = Emit("Reshape", $"{name}/chw", [nchw, flatShape], ("T", TfAttr.Float()), ("Tshape", TfAttr.Int32()));
        var plain = new TfTensor(result, t.Shape);
        _tensors[value] = plain;
        return plain;
    }

    /// <summary>Input <paramref name="i"/> as an initializer, or null when absent.</summary>
    private TensorData? Init(int i) =>
        i < _node.Inputs.Count && _node.Inputs[i].Length > 0 && _graph.Initializers.TryGetValue(_node.Inputs[i], out TensorData? t) ? t : null;

    private TensorData Weight(int i, string role)
    {
        TensorData t = Init(i) ?? throw Error($"the {role} (input {i}) must be an initializer; a computed {role} cannot be written as a frozen Const");
        return t.DataType == IrType.Float32 ? t : throw Error($"the {role} must be float32, got {t}");
    }

    private AttributeValue Attr(string name)
    {
        if (_node.Attributes.TryGetValue(name, out AttributeValue? v))
        {
            return v;
        }

        AttributeValue? fallback = OpSchemaRegistry.Default.Find(_node.OpType, _node.Domain)?.FindAttribute(name)?.Default;
        return fallback ?? throw Error($"attribute '{name}' is missing");
    }

    private long Int(string name) => Attr(name).AsInt();

    private double Real(string name) => Attr(name).AsFloat();

    private long[] Ints(string name) => [.. Attr(name).AsInts()];

    private ModelFormatException Error(string message) =>
        new($"node '{_node.Name}' ({_node.OpType}): {message}") { FieldPath = $"node[{_index}]" };

    private static float[] Floats(TensorData t) => t.AsSpan<float>().ToArray();
}
