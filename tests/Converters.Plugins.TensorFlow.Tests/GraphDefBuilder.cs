using System.Runtime.InteropServices;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests;

/// <summary>Builds GraphDefs with our generated protos, the way TensorFlow's freeze_graph writes them.</summary>
internal sealed class GraphDefBuilder
{
    private readonly Random _random;

    public GraphDefBuilder(int seed = 1) => _random = new Random(seed);

    public GraphDef Graph { get; } = new() { Versions = new VersionDef { Producer = 27 } };

    public static AttrValue Type(DataType t) => new() { Type = t };

    public static AttrValue Str(string s) => new() { S = ByteString.CopyFromUtf8(s) };

    public static AttrValue Ints(params long[] values)
    {
        var list = new AttrValue.Types.ListValue();
        list.I.Add(values);
        return new AttrValue { List = list };
    }

    public static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }

    public string Placeholder(string name, params long[] dims)
    {
        Graph.Node.Add(new NodeDef { Name = name, Op = "Placeholder", Attr = { ["dtype"] = Type(DataType.DtFloat), ["shape"] = new AttrValue { Shape = Shape(dims) } } });
        return name;
    }

    /// <summary>A float Const with seeded values in [lo, hi), stored as tensor_content.</summary>
    public string Random(string name, float lo, float hi, params long[] dims)
    {
        var values = new float[dims.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(lo + (_random.NextDouble() * (hi - lo)));
        }

        return Floats(name, values, dims);
    }

    public string Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(dims), TensorContent = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        Graph.Node.Add(new NodeDef { Name = name, Op = "Const", Attr = { ["dtype"] = Type(DataType.DtFloat), ["value"] = new AttrValue { Tensor = tensor } } });
        return name;
    }

    public string Int32s(string name, params int[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(values.Length) };
        tensor.IntVal.Add(values);
        Graph.Node.Add(new NodeDef { Name = name, Op = "Const", Attr = { ["dtype"] = Type(DataType.DtInt32), ["value"] = new AttrValue { Tensor = tensor } } });
        return name;
    }

    /// <summary>An int32 Const of shape [rows, 2] (paddings).</summary>
    public string Int32Matrix(string name, int rows, params int[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(rows, values.Length / rows) };
        tensor.IntVal.Add(values);
        Graph.Node.Add(new NodeDef { Name = name, Op = "Const", Attr = { ["dtype"] = Type(DataType.DtInt32), ["value"] = new AttrValue { Tensor = tensor } } });
        return name;
    }

    public string Op(string name, string op, string[] inputs, params (string Key, AttrValue Value)[] attrs)
    {
        var node = new NodeDef { Name = name, Op = op };
        node.Input.Add(inputs);
        node.Attr["T"] = Type(DataType.DtFloat);
        foreach ((string key, AttrValue value) in attrs)
        {
            node.Attr[key] = value;
        }

        Graph.Node.Add(node);
        return name;
    }

    public string Conv(string name, string x, long kh, long kw, long cin, long cout, long stride, string padding, long dilation = 1)
    {
        string w = Random(name + "/kernel", -0.5f, 0.5f, kh, kw, cin, cout);
        return Op(name, "Conv2D", [x, w], ("strides", Ints(1, stride, stride, 1)), ("padding", Str(padding)), ("dilations", Ints(1, dilation, dilation, 1)), ("data_format", Str("NHWC")));
    }

    public string BatchNorm(string name, string x, long channels)
    {
        string scale = Random(name + "/gamma", 0.5f, 1.5f, channels);
        string offset = Random(name + "/beta", -0.5f, 0.5f, channels);
        string mean = Random(name + "/mean", -0.5f, 0.5f, channels);
        string variance = Random(name + "/variance", 0.5f, 2f, channels);
        return Op(name, "FusedBatchNormV3", [x, scale, offset, mean, variance], ("epsilon", new AttrValue { F = 0.001f }), ("is_training", new AttrValue { B = false }), ("data_format", Str("NHWC")));
    }

    public string Pool(string name, string op, string x, long k, long s, string padding) =>
        Op(name, op, [x], ("ksize", Ints(1, k, k, 1)), ("strides", Ints(1, s, s, 1)), ("padding", Str(padding)), ("data_format", Str("NHWC")));
}
