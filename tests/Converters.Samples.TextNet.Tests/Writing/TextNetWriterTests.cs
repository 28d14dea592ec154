using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Samples.TextNet.Tests.Writing;

public sealed class TextNetWriterTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly TextNetFormat _format = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("tiny-cnn.tnet")]
    [InlineData("tiny-seg.tnet")]
    public void Write_Sample_ReadsBackIdentical(string sample)
    {
        // Given a sample read into the IR
        Model original = TextNetTestFiles.Read(Path.Combine(AppContext.BaseDirectory, "Samples", sample));

        // When it is written and read back
        IReadOnlyList<string> written = _format.Write(original, _folder.Combine("first"), "model", FormatOptions.Empty);
        Model reread = TextNetTestFiles.Read(written.ShouldHaveSingleItem());

        // Then graph name, inputs, outputs, nodes, attributes and every tensor are identical
        written[0].ShouldBe(Path.Combine(_folder.Combine("first"), "model.tnet"));
        AssertSameGraph(reread.Graph, original.Graph);
    }

    [Theory]
    [InlineData("tiny-cnn.tnet")]
    [InlineData("tiny-seg.tnet")]
    public void Write_Twice_IsByteIdentical(string sample)
    {
        // Given a sample written once and read back
        Model original = TextNetTestFiles.Read(Path.Combine(AppContext.BaseDirectory, "Samples", sample));
        string first = _format.Write(original, _folder.Combine("first"), "model", FormatOptions.Empty)[0];
        Model reread = TextNetTestFiles.Read(first);

        // When the re-read model is written again
        string second = _format.Write(reread, _folder.Combine("second"), "model", FormatOptions.Empty)[0];

        // Then the two files have the same bytes
        File.ReadAllBytes(second).ShouldBe(File.ReadAllBytes(first));
    }

    [Fact]
    public void Write_EdgeFloatValues_RoundTripBitExactly()
    {
        // Given a tensor holding values decimal text loses easily: a NaN payload, infinities, -0,
        // the smallest subnormal, the largest float, 0.1 and 1/3
        float[] values =
        [
            BitConverter.UInt32BitsToSingle(0x7FC01234), float.PositiveInfinity, float.NegativeInfinity, -0f,
            float.Epsilon, float.MaxValue, 0.1f, 1f / 3f,
        ];
        var graph = new Graph();
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 8)));
        graph.AddInitializer("t", TensorData.Create(TensorShape.Of(8), values));
        graph.Add(new Node("Add", "y", ["x", "t"], ["y"]));
        graph.Outputs.Add("y");

        // When it is written and read back
        string path = _format.Write(new Model(graph), _folder.Path, "edge", FormatOptions.Empty)[0];
        Model reread = TextNetTestFiles.Read(path);

        // Then every bit pattern survives, and non-finite values are written as raw bits
        reread.Graph.Initializers["t"].AsBytes().ToArray().ShouldBe(graph.Initializers["t"].AsBytes().ToArray());
        string text = File.ReadAllText(path);
        text.ShouldContain("0x7FC01234 0x7F800000 0xFF800000 -0 ");
    }

    [Fact]
    public void Write_UnsupportedOp_NamesNodeAndLeavesNoFile()
    {
        // Given a model with a Reorg node, which TextNet cannot express
        var graph = new Graph();
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 4, 8, 8)));
        graph.Add(new Node("Reorg", "reorg1", ["x"], ["y"]));
        graph.Outputs.Add("y");
        string output = _folder.Combine("out");

        // When it is written
        UnsupportedOperatorException ex = Should.Throw<UnsupportedOperatorException>(
            () => _format.Write(new Model(graph), output, "model", FormatOptions.Empty));

        // Then the error names the node and the op, and nothing (not even a temporary) is left
        ex.OperatorName.ShouldBe("Reorg");
        ex.FieldPath.ShouldBe("reorg1");
        ex.Message.ShouldContain("Reorg node \"reorg1\" cannot be written to TextNet");
        Directory.GetFiles(output).ShouldBeEmpty();
    }

    [Fact]
    public void Write_FailureAfterStart_KeepsExistingFile()
    {
        // Given an existing model.tnet and a model whose second node has an attribute TextNet cannot express
        string output = _folder.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "model.tnet"), "previous");
        var graph = new Graph();
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 4, 8, 8)));
        graph.Add(new Node("Relu", "a", ["x"], ["a"]));
        graph.Add(new Node("MaxPool", "p", ["a"], ["p"]).With("kernel_shape", AttributeValue.FromInts(2, 2, 2)));
        graph.Outputs.Add("p");

        // When it is written
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => _format.Write(new Model(graph), output, "model", FormatOptions.Empty));

        // Then the error names the node and key, and the old file is untouched with no temporaries beside it
        ex.FieldPath.ShouldBe("p.kernel");
        ex.Message.ShouldContain("cannot be written as TextNet key 'kernel'");
        Directory.GetFiles(output).ShouldBe([Path.Combine(output, "model.tnet")]);
        File.ReadAllText(Path.Combine(output, "model.tnet")).ShouldBe("previous");
    }

    [Fact]
    public void Write_NonFloatTensor_IsRejected()
    {
        // Given an int64 initializer
        var graph = new Graph();
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2)));
        graph.AddInitializer("shift", TensorData.Create(TensorShape.Of(2), new long[] { 1, 2 }));
        graph.Add(new Node("Add", "y", ["x", "shift"], ["y"]));
        graph.Outputs.Add("y");

        // When it is written; Then the tensor is named
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => _format.Write(new Model(graph), _folder.Path, "m", FormatOptions.Empty));
        ex.FieldPath.ShouldBe("shift");
        ex.Message.ShouldContain("TextNet tensors are float32");
    }

    [Fact]
    public void Write_GemmWithoutTransB_WritesIrDefault()
    {
        // Given an IR Gemm without transB (IR default 0: weights K x N), weights 4 x 2
        var graph = new Graph();
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 4)));
        graph.AddInitializer("w", TensorData.Create(TensorShape.Of(4, 2), new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        graph.Add(new Node("Gemm", "fc", ["x", "w"], ["fc"]));
        graph.Outputs.Add("fc");

        // When it is written and read back
        string path = _format.Write(new Model(graph), _folder.Path, "gemm", FormatOptions.Empty)[0];
        Model reread = TextNetTestFiles.Read(path);

        // Then TextNet's own default (1) did not flip the meaning
        File.ReadAllText(path).ShouldContain("fc = Gemm(x, w) trans_b=0");
        reread.Graph.Nodes[0].Attributes["transB"].AsInt().ShouldBe(0);
        reread.Graph.FindValue("fc")!.Shape.ShouldBe(TensorShape.Of(1, 2));
    }

    private static void AssertSameGraph(Graph actual, Graph expected)
    {
        actual.Name.ShouldBe(expected.Name);
        actual.Inputs.ShouldBe(expected.Inputs);
        actual.Outputs.ShouldBe(expected.Outputs);
        actual.Nodes.Count.ShouldBe(expected.Nodes.Count);
        for (int i = 0; i < expected.Nodes.Count; i++)
        {
            Node a = actual.Nodes[i];
            Node e = expected.Nodes[i];
            a.ToString().ShouldBe(e.ToString());
            a.Attributes.Keys.ShouldBe(e.Attributes.Keys, $"attributes of {e.Name}");
            foreach ((string name, AttributeValue value) in e.Attributes)
            {
                a.Attributes[name].ShouldBe(value, $"{e.Name}.{name}");
            }
        }

        actual.Initializers.Keys.ShouldBe(expected.Initializers.Keys, ignoreOrder: true);
        foreach ((string name, TensorData tensor) in expected.Initializers)
        {
            TensorData other = actual.Initializers[name];
            other.Shape.ShouldBe(tensor.Shape, name);
            other.AsBytes().ToArray().ShouldBe(tensor.AsBytes().ToArray(), name);
        }
    }
}
