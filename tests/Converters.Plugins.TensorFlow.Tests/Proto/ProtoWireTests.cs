using System.Text;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Tests.Proto;

/// <summary>Our schemas against hand-encoded bytes that follow TensorFlow's field numbers (tag = field &lt;&lt; 3 | wire type).</summary>
public sealed class ProtoWireTests
{
    private static byte[] S(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void NodeDef_HandEncoded_ParsesNameOpInputsAndAttrMap()
    {
        // Given: name(1) "conv", op(2) "Conv2D", input(3) "x" and "^init",
        // attr(5) {"strides": {list(1) {i(3) packed [1,2,2,1]}}} and {"T": {type(6) DT_FLOAT}}
        byte[] strides = [0x0a, 0x07, .. S("strides"), 0x12, 0x08, 0x0a, 0x06, 0x1a, 0x04, 1, 2, 2, 1];
        byte[] type = [0x0a, 0x01, .. S("T"), 0x12, 0x02, 0x30, 0x01];
        byte[] bytes =
        [
            0x0a, 0x04, .. S("conv"), 0x12, 0x06, .. S("Conv2D"), 0x1a, 0x01, .. S("x"), 0x1a, 0x05, .. S("^init"),
            0x2a, (byte)strides.Length, .. strides, 0x2a, (byte)type.Length, .. type,
        ];

        // When
        NodeDef node = NodeDef.Parser.ParseFrom(bytes);

        // Then
        node.Name.ShouldBe("conv");
        node.Op.ShouldBe("Conv2D");
        node.Input.ShouldBe(["x", "^init"]);
        node.Attr["strides"].List.I.ShouldBe([1L, 2L, 2L, 1L]);
        node.Attr["T"].Type.ShouldBe(DataType.DtFloat);
    }

    [Fact]
    public void TensorProto_HalfValAndUnpackedFloats_ParseBitPatternsAndBothEncodings()
    {
        // Given: dtype(1) DT_HALF (19), tensor_shape(2) {dim(2) {size(1) 2}}, half_val(13) packed [0x3c00, 0xc000]
        byte[] half = [0x08, 0x13, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x6a, 0x05, 0x80, 0x78, 0x80, 0x80, 0x03];

        // and: dtype DT_FLOAT, float_val(5) unpacked (two fixed32 fields: 1.5 and -2), then tensor_content(4)
        byte[] floats = [0x08, 0x01, 0x2d, 0x00, 0x00, 0xc0, 0x3f, 0x2d, 0x00, 0x00, 0x00, 0xc0, 0x22, 0x02, 0xab, 0xcd];

        // When
        TensorProto h = TensorProto.Parser.ParseFrom(half);
        TensorProto f = TensorProto.Parser.ParseFrom(floats);

        // Then
        h.Dtype.ShouldBe(DataType.DtHalf);
        h.TensorShape.Dim.Single().Size.ShouldBe(2);
        h.HalfVal.ShouldBe([0x3c00, 0xc000]);
        f.FloatVal.ShouldBe([1.5f, -2f]);
        f.TensorContent.ToByteArray().ShouldBe([0xab, 0xcd]);
    }

    [Fact]
    public void GraphDef_WithUnknownLibraryField_KeepsItOnWrite()
    {
        // Given: node(1) {name "a"}, library(2) (not modelled) with two bytes, versions(4) {producer 27}
        byte[] node = [0x0a, 0x03, 0x0a, 0x01, (byte)'a'];
        byte[] library = [0x12, 0x02, 0x08, 0x01];
        byte[] versions = [0x22, 0x02, 0x08, 0x1b];
        byte[] bytes = [.. node, .. library, .. versions];

        // When: parsed and written again
        GraphDef graph = GraphDef.Parser.ParseFrom(bytes);
        byte[] again = graph.ToByteArray();

        // Then: the known fields are read and the unknown one is kept (written after the known ones)
        graph.Node.Single().Name.ShouldBe("a");
        graph.Versions.Producer.ShouldBe(27);
        again.ShouldBe([.. node, .. versions, .. library]);
    }

    [Fact]
    public void DataType_RefValues_AreBasePlus100()
    {
        // Then: every *_REF value is its base type + 100
        foreach (DataType type in Enum.GetValues<DataType>().Where(t => (int)t > 100))
        {
            string name = Enum.GetName(type)!;
            name.ShouldEndWith("Ref");
            Enum.Parse<DataType>(name[..^3]).ShouldBe((DataType)((int)type - 100));
        }

        ((int)DataType.DtFloatRef).ShouldBe(101);
        ((int)DataType.DtHalf).ShouldBe(19);
        ((int)DataType.DtUint64).ShouldBe(23);
    }
}
