using Converters.Ir.Diagnostics;

namespace Converters.Ir.Tests;

public sealed class CoreTypesTests
{
    [Fact]
    public void TensorShape_EqualityElementCountAndText()
    {
        var a = TensorShape.Of(1, 3, 416, 416);
        a.ShouldBe(TensorShape.Of(1, 3, 416, 416));
        (a == TensorShape.Of(1, 3, 416, 416)).ShouldBeTrue();
        a.GetHashCode().ShouldBe(TensorShape.Of(1, 3, 416, 416).GetHashCode());
        a.ElementCount.ShouldBe(519168);
        a.ToString().ShouldBe("1x3x416x416");
        a[-1].ShouldBe(416);
        TensorShape.Scalar.ElementCount.ShouldBe(1);
        TensorShape.Scalar.ToString().ShouldBe("scalar");
        Should.Throw<ArgumentOutOfRangeException>(() => TensorShape.Of(1, -2));
    }

    [Fact]
    public void TensorData_SpansBytesCloneAndTypeChecks()
    {
        var t = TensorData.Create(TensorShape.Of(2, 2), new float[] { 1, 2, 3, -0f });
        t.DataType.ShouldBe(DataType.Float32);
        t.ByteCount.ShouldBe(16);
        t.AsBytes()[4..8].ToArray().ShouldBe(BitConverter.GetBytes(2f));
        Should.Throw<InvalidOperationException>(() => t.AsSpan<int>()).Message.ShouldBe("The tensor holds float32, not Int32.");

        TensorData copy = t.Clone();
        copy.AsSpan<float>()[0] = 9;
        t.AsSpan<float>()[0].ShouldBe(1);
        copy.ContentEquals(t).ShouldBeFalse();
        t.Clone().ContentEquals(t).ShouldBeTrue();

        t.Reshape(TensorShape.Of(4)).AsSpan<float>()[1].ShouldBe(2);
        Should.Throw<ArgumentException>(() => t.Reshape(TensorShape.Of(5)));
        Should.Throw<ArgumentException>(() => TensorData.Create(TensorShape.Of(3), new float[2]));
        TensorData.FromBytes(DataType.Int8, TensorShape.Of(2), [0xFF, 0x01]).AsSpan<sbyte>().ToArray().ShouldBe(new sbyte[] { -1, 1 });
        Should.Throw<ArgumentException>(() => TensorData.FromBytes(DataType.Int32, TensorShape.Of(2), new byte[7]));
    }

    [Fact]
    public void AttributeValue_KindsConversionsAndText()
    {
        AttributeValue i = 3L;
        i.AsInt().ShouldBe(3);
        i.AsFloat().ShouldBe(3.0);
        i.ToString().ShouldBe("3");
        AttributeValue.FromFloat(0.1).ToString().ShouldBe("0.1");
        AttributeValue.FromString("say \"hi\"").ToString().ShouldBe("\"say \\\"hi\\\"\"");
        AttributeValue.FromInts(1, 2).AsFloats().ShouldBe([1.0, 2.0]);
        AttributeValue.FromStrings(["a", "b"]).ToString().ShouldBe("[\"a\", \"b\"]");
        AttributeValue.FromInts(1, 2).ShouldBe(AttributeValue.FromInts(1, 2));
        AttributeValue.FromInts(1, 2).ShouldNotBe(AttributeValue.FromInts(2, 1));
        Should.Throw<InvalidOperationException>(() => AttributeValue.FromString("x").AsInt()).Message.ShouldBe("The attribute value is string \"x\", not int.");
    }

    [Fact]
    public void InputFormatException_RendersCompilerStyle()
    {
        new InputFormatException("'filters' must be a positive integer, got \"abc\"")
        {
            FilePath = "yolov3.cfg",
            Line = 112,
            Column = 1,
            FieldPath = "[convolutional] #13",
        }.ToDiagnostic().ShouldBe("yolov3.cfg:112:1: [convolutional] #13: 'filters' must be a positive integer, got \"abc\"");

        new InputFormatException("expected 1024 floats, the file ended after 12")
        {
            FilePath = "yolov3.weights",
            ByteOffset = 248007000,
            FieldPath = "layer 105.weights",
        }.ToDiagnostic().ShouldBe("yolov3.weights: byte 248007000: layer 105.weights: expected 1024 floats, the file ended after 12");

        new InputFormatException("two\nlines").ToDiagnostic().ShouldBe("two lines");
    }

    [Fact]
    public void Graph_LookupsFindProducersConsumersAndValues()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 2)));
        g.AddInitializer("w", TensorData.Zeros(DataType.Float32, TensorShape.Of(3, 2)));
        Node fc = g.Add(new Node("Gemm", "fc", ["x", "w"], ["y"]).With("transB", 1L));
        g.Outputs.Add("y");

        g.FindProducer("y").ShouldBeSameAs(fc);
        g.FindProducer("x").ShouldBeNull();
        g.FindConsumers("w").ShouldHaveSingleItem().ShouldBeSameAs(fc);
        g.FindValue("w")!.Shape.ShouldBe(TensorShape.Of(3, 2));
        g.FindValue("x")!.ToString().ShouldBe("x: float32[1x2]");
        Should.Throw<ArgumentException>(() => g.AddInitializer("w", TensorData.Zeros(DataType.Float32, TensorShape.Of(1))));
    }
}
