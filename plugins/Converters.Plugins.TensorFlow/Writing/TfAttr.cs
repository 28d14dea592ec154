using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>Builds <see cref="AttrValue"/>s for the nodes the writer emits.</summary>
internal static class TfAttr
{
    public static AttrValue Type(DataType type) => new() { Type = type };

    public static AttrValue Float() => Type(DataType.DtFloat);

    public static AttrValue Int32() => Type(DataType.DtInt32);

    public static AttrValue Str(string value) => new() { S = ByteString.CopyFromUtf8(value) };

    public static AttrValue Int(long value) => new() { I = value };

    public static AttrValue Real(double value) => new() { F = (float)value };

    public static AttrValue Bool(bool value) => new() { B = value };

    public static AttrValue Ints(params long[] values)
    {
        var list = new AttrValue.Types.ListValue();
        list.I.Add(values);
        return new AttrValue { List = list };
    }

    public static AttrValue Shape(IEnumerable<long> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return new AttrValue { Shape = shape };
    }
}
