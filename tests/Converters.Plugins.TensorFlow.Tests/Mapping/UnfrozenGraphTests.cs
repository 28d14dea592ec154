using System.Runtime.InteropServices;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Plugins.TensorFlow.Tests.Conformance;
using Converters.Plugins.TensorFlow.Tests.Writing;
using Converters.Testing;
using Converters.Testing.Cli;
using Google.Protobuf;
using Tensorflow;
using DataType = Tensorflow.DataType;

namespace Converters.Plugins.TensorFlow.Tests.Mapping;

/// <summary>
/// Unfrozen GraphDefs: weights in VariableV2 (read through Identity) or VarHandleOp (ReadVariableOp) nodes whose values come
/// from a V2 checkpoint named next to the graph; the writer's <c>--tf-checkpoint</c> output round-trips through the reader.
/// </summary>
public sealed class UnfrozenGraphTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ModelFile[] Files(params string[] paths) => [.. paths.Select(ModelFile.Open)];

    private static Model Read(params string[] paths) => new TensorFlowFormat().Read(Files(paths), FormatOptions.Empty);

    /// <summary>A conv-bias-relu graph; the weights are Consts (frozen) or variables of <paramref name="variableOp"/> with TF1's saver nodes.</summary>
    private static (GraphDef Graph, float[] Kernel, float[] Bias) ConvGraph(string? variableOp)
    {
        var g = new GraphDefBuilder(seed: 4);
        string x = g.Placeholder("input", 1, 5, 5, 2);
        var random = new Random(8);
        float[] kernel = [.. Enumerable.Range(0, 3 * 3 * 2 * 3).Select(_ => (float)random.NextDouble() - 0.5f)];
        float[] bias = [0.25f, -0.5f, 0.125f];
        string w;
        string b;
        if (variableOp is null)
        {
            w = g.Floats("conv/kernel", kernel, 3, 3, 2, 3);
            b = g.Floats("conv/bias", bias, 3);
        }
        else
        {
            w = Variable(g, "conv/kernel", variableOp, 3, 3, 2, 3);
            b = Variable(g, "conv/bias", variableOp, 3);
            var prefix = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
            prefix.StringVal.Add(ByteString.CopyFromUtf8("model"));
            g.Graph.Node.Add(new NodeDef { Name = "save/Const", Op = "Const", Attr = { ["dtype"] = GraphDefBuilder.Type(DataType.DtString), ["value"] = new AttrValue { Tensor = prefix } } });
            g.Graph.Node.Add(new NodeDef { Name = "save/RestoreV2", Op = "RestoreV2", Input = { "save/Const" } });
            g.Graph.Node.Add(new NodeDef { Name = "init", Op = "NoOp", Input = { "^conv/kernel/Assign" } });
        }

        string conv = g.Op("conv/Conv2D", "Conv2D", [x, w], ("T", GraphDefBuilder.Type(DataType.DtFloat)), ("strides", GraphDefBuilder.Ints(1, 1, 1, 1)), ("padding", GraphDefBuilder.Str("SAME")));
        g.Op("out", "Relu", [g.Op("conv/BiasAdd", "BiasAdd", [conv, b])]);
        return (g.Graph, kernel, bias);
    }

    /// <summary>A TF1 variable: VariableV2 + initial value + Assign + Identity read, or VarHandleOp + ReadVariableOp.</summary>
    private static string Variable(GraphDefBuilder g, string name, string op, params long[] dims)
    {
        g.Graph.Node.Add(new NodeDef
        {
            Name = name,
            Op = op,
            Attr = { ["dtype"] = GraphDefBuilder.Type(DataType.DtFloat), ["shape"] = new AttrValue { Shape = GraphDefBuilder.Shape(dims) } },
        });
        if (op == "VarHandleOp")
        {
            return g.Op(name + "/Read/ReadVariableOp", "ReadVariableOp", [name]);
        }

        string initial = g.Random(name + "/initial_value", 0, 1, dims);
        g.Graph.Node.Add(new NodeDef { Name = name + "/Assign", Op = "Assign", Input = { name, initial } });
        return g.Op(name + "/read", "Identity", [name]);
    }

    private static CheckpointTensor Tensor(string name, float[] values, params long[] shape) =>
        new(name, DataType.DtFloat, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    [Theory]
    [InlineData("VariableV2", "index")]
    [InlineData("VarHandleOp", "state")]
    [InlineData("VariableV2", "data")]
    public void Read_UnfrozenGraphWithCheckpoint_SameOutputsAsFrozenGraph(string variableOp, string named)
    {
        // Given: the graph frozen, and unfrozen with a checkpoint holding the same values
        (GraphDef frozen, float[] kernel, float[] bias) = ConvGraph(null);
        (GraphDef unfrozen, _, _) = ConvGraph(variableOp);
        string frozenPath = _folder.WriteFile("frozen.pb", frozen.ToByteArray());
        string graphPath = _folder.WriteFile("ckpt/model.pb", unfrozen.ToByteArray());
        IReadOnlyList<string> written = CheckpointWriter.Write(_folder.Combine("ckpt"), "model.ckpt", [Tensor("conv/kernel", kernel, 3, 3, 2, 3), Tensor("conv/bias", bias, 3)]);
        string checkpoint = named switch
        {
            "index" => written.Single(f => f.EndsWith(".index", StringComparison.Ordinal)),
            "data" => written.Single(f => f.Contains(".data-", StringComparison.Ordinal)),
            _ => written.Single(f => Path.GetFileName(f) == "checkpoint"),
        };
        TensorData x = OpenCvTensorFlow.Input(TensorShape.Of(1, 2, 5, 5), 6);

        // When
        Model model = Read(graphPath, checkpoint);

        // Then: bit-identical outputs; the saver and initializer nodes are not in the IR
        TensorData expected = TensorFlowWriterTests.RunSingle(Read(frozenPath), x);
        TensorData actual = TensorFlowWriterTests.RunSingle(model, x);
        actual.ContentEquals(expected).ShouldBeTrue();
        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Add", "Relu"], ignoreOrder: true);
    }

    [Fact]
    public void Read_VariableMissingFromCheckpoint_ErrorNamesTheVariable()
    {
        // Given: a checkpoint without conv/bias
        (GraphDef unfrozen, float[] kernel, _) = ConvGraph("VariableV2");
        string graphPath = _folder.WriteFile("model.pbtxt", System.Text.Encoding.UTF8.GetBytes(Converters.Protobuf.Text.TextFormatPrinter.Print(unfrozen)));
        string index = CheckpointWriter.Write(_folder.Path, "model.ckpt", [Tensor("conv/kernel", kernel, 3, 3, 2, 3)]).Single(f => f.EndsWith(".index", StringComparison.Ordinal));

        // When
        var ex = Should.Throw<ModelFormatException>(() => Read(graphPath, index));

        // Then
        ex.Message.ShouldContain("variable 'conv/bias' is not in the checkpoint");
        ex.FilePath.ShouldBe(index);
        ex.FieldPath.ShouldBe("conv/bias");
    }

    [Theory]
    [InlineData("shape", "shape [2, 3] differs from the variable's [3]")]
    [InlineData("dtype", "holds DtDouble but the variable is DtFloat")]
    public void Read_CheckpointTensorOfWrongShapeOrType_ErrorNamesTheVariable(string wrong, string expected)
    {
        // Given
        (GraphDef unfrozen, float[] kernel, _) = ConvGraph("VariableV2");
        string graphPath = _folder.WriteFile("model.pb", unfrozen.ToByteArray());
        CheckpointTensor bias = wrong == "shape"
            ? Tensor("conv/bias", [1, 2, 3, 4, 5, 6], 2, 3)
            : new CheckpointTensor("conv/bias", DataType.DtDouble, [3], new byte[24]);
        string index = CheckpointWriter.Write(_folder.Path, "model.ckpt", [Tensor("conv/kernel", kernel, 3, 3, 2, 3), bias]).Single(f => f.EndsWith(".index", StringComparison.Ordinal));

        // When
        var ex = Should.Throw<ModelFormatException>(() => Read(graphPath, index));

        // Then
        ex.Message.ShouldContain("variable 'conv/bias'");
        ex.Message.ShouldContain(expected);
        ex.FieldPath.ShouldBe("conv/bias");
    }

    [Fact]
    public void Read_VariablesWithoutCheckpoint_ErrorSaysHowToNameIt()
    {
        // Given
        (GraphDef unfrozen, _, _) = ConvGraph("VariableV2");
        string graphPath = _folder.WriteFile("model.pb", unfrozen.ToByteArray());

        // When
        var ex = Should.Throw<ModelFormatException>(() => Read(graphPath));

        // Then
        ex.Message.ShouldContain("node 'conv/kernel' (VariableV2)");
        ex.Message.ShouldContain("x.ckpt.index");
    }

    [Fact]
    public void Write_CheckpointOption_UnfrozenGraphReadsBackToIdenticalTensors()
    {
        // Given: the Caffe-like flatten + gemm case and the BN case
        Model model = WriterCases.Build("flatten_gemm");
        var format = new TensorFlowFormat();
        var withCheckpoint = new FormatOptions([new(TensorFlowFormat.CheckpointOption, null)]);

        // When
        string frozen = format.Write(model, _folder.Combine("frozen"), "net", FormatOptions.Empty).Single();
        IReadOnlyList<string> files = format.Write(model, _folder.Combine("unfrozen"), "net", withCheckpoint);

        // Then: graph + index + data shard + state file; VariableV2 + Identity nodes; the same IR tensors as the frozen graph
        files.Select(Path.GetFileName).ShouldBe(["net.pb", "net.ckpt.data-00000-of-00001", "net.ckpt.index", "checkpoint"], ignoreOrder: true);
        GraphDef def = GraphDefReader.ParseBinary(files.Single(f => f.EndsWith(".pb", StringComparison.Ordinal)));
        def.Node.Count(n => n.Op == "VariableV2").ShouldBe(4);
        def.Node.Where(n => n.Op == "Const").ShouldAllBe(n => n.Attr["dtype"].Type == DataType.DtInt32 || n.Attr["value"].Tensor.TensorShape.Dim.Count == 0);
        Model expected = Read(frozen);
        Model actual = Read(files.Single(f => f.EndsWith(".pb", StringComparison.Ordinal)), files.Single(f => Path.GetFileName(f) == "checkpoint"));
        actual.Graph.Initializers.Keys.ShouldBe(expected.Graph.Initializers.Keys);
        foreach ((string name, TensorData tensor) in expected.Graph.Initializers)
        {
            actual.Graph.Initializers[name].ContentEquals(tensor).ShouldBeTrue(name);
        }

        CheckpointReader.Open(files.Single(f => f.EndsWith(".index", StringComparison.Ordinal))).TensorNames.Count.ShouldBe(4);
    }

    [Fact]
    public void Write_CheckpointOptionWithUnwritableOp_ThrowsAndWritesNothing()
    {
        // Given: an LRN, which the writer does not map
        var b = new IrModelBuilder();
        Model model = b.Build(b.Op("norm1", "LRN", [b.Conv("conv", b.Input("data", 1, 4, 8, 8), 4, 4, 3, 1, [1, 1, 1, 1])], ("size", 5L)));
        string dir = _folder.Combine("out");

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => new TensorFlowFormat().Write(model, dir, "net", new FormatOptions([new(TensorFlowFormat.CheckpointOption, null)])));

        // Then: neither graph nor checkpoint files
        ex.Message.ShouldContain("node 'norm1'");
        (Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : []).ShouldBeEmpty();
    }

    [Fact]
    public void Read_NodesNamedLikeASaverButNotOne_AreMapped()
    {
        // Given: a user node "save_out" (not a saver scope) after the variables' graph
        (GraphDef unfrozen, float[] kernel, float[] bias) = ConvGraph("VariableV2");
        unfrozen.Node.Add(new NodeDef { Name = "save_out", Op = "Sigmoid", Input = { "out" }, Attr = { ["T"] = GraphDefBuilder.Type(DataType.DtFloat) } });
        string graphPath = _folder.WriteFile("model.pb", unfrozen.ToByteArray());
        string index = CheckpointWriter.Write(_folder.Path, "model.ckpt", [Tensor("conv/kernel", kernel, 3, 3, 2, 3), Tensor("conv/bias", bias, 3)]).Single(f => f.EndsWith(".index", StringComparison.Ordinal));

        // When
        Model model = Read(graphPath, index);

        // Then
        model.Graph.Outputs.ShouldBe(["save_out"]);
    }

    [Fact]
    public void Convert_CheckpointOptionThroughCli_InspectReadsGraphAndIndex()
    {
        // Given: a Caffe-free IR source: a frozen graph written by our writer
        string frozen = new TensorFlowFormat().Write(WriterCases.Build("bn_variance"), _folder.Combine("in"), "bn", FormatOptions.Empty).Single();
        string output = _folder.Combine("out");

        // When: converted to an unfrozen graph + checkpoint, then inspected with graph and index
        CliResult convert = CliRunner.Run("convert", frozen, "--to", "tensorflow", "--tf-checkpoint", "-o", output);
        CliResult inspect = CliRunner.Run("inspect", Path.Combine(output, "bn.pb"), Path.Combine(output, "bn.ckpt.index"));

        // Then
        convert.ExitCode.ShouldBe(0, convert.Error + convert.Output);
        inspect.ExitCode.ShouldBe(0, inspect.Error + inspect.Output);
        inspect.Output.ShouldContain("BatchNormalization");
    }
}
