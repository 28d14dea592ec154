using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// The reader's later ops against OpenCV 4.6 and numpy: Conv2DBackpropInput, the unfused batch-norm subgraph (constant
/// folding), EXPLICIT padding and a general NHWC Reshape; plus their negative cases.
/// </summary>
public sealed class RemainingOpsConformanceTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>argv: x.npy (NCHW), out.npy, target shape (comma-separated), 1 when the result is 4-D NHWC to be returned as NCHW.</summary>
    private const string ReshapeScript = """
        import sys
        import numpy as np
        x = np.load(sys.argv[1]).transpose(0, 2, 3, 1)
        y = x.reshape([int(v) for v in sys.argv[3].split(',')])
        if sys.argv[4] == '1':
            y = y.transpose(0, 3, 1, 2)
        np.save(sys.argv[2], np.ascontiguousarray(y, dtype=np.float32))
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private void CompareWithOpenCv(GraphDefBuilder g, TensorShape inputShape, string name)
    {
        string path = OpenCvTensorFlow.Save(_folder, g.Graph, name + ".pb");
        TensorData x = OpenCvTensorFlow.Input(inputShape, seed: 12);
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(path), x);
        TensorData theirs = OpenCvTensorFlow.Forward(_folder, path, x);
        ours.Shape.ElementCount.ShouldBe(theirs.Shape.ElementCount);
        double error = OpenCvTensorFlow.RelativeError(ours, theirs);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: ours {ours.Shape} vs OpenCV {theirs.Shape}: relative max error {error:E2}"));
        error.ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }

    [Theory]
    [InlineData("SAME", 2, 8)]
    [InlineData("SAME", 2, 7)]
    [InlineData("VALID", 2, 9)]
    [InlineData("VALID", 2, 10)]
    [InlineData("SAME", 1, 4)]
    public void Read_Conv2DBackpropInput_MatchesOpenCv(string padding, int stride, int outSize)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: conv -> Conv2DBackpropInput (filter [3, 3, 2, 4], input_sizes [1, out, out, 2]) -> BiasAdd
        var g = new GraphDefBuilder(seed: outSize);
        string x = g.Placeholder("input", 1, 4, 4, 3);
        string c = g.Conv("conv", x, 1, 1, 3, 4, 1, "VALID");
        string sizes = g.Int32s("deconv/output_shape", 1, outSize, outSize, 2);
        string filter = g.Random("deconv/filter", -0.5f, 0.5f, 3, 3, 2, 4);
        string d = g.Op("deconv", "Conv2DBackpropInput", [sizes, filter, c], ("strides", GraphDefBuilder.Ints(1, stride, stride, 1)), ("padding", GraphDefBuilder.Str(padding)), ("data_format", GraphDefBuilder.Str("NHWC")));
        g.Op("out", "BiasAdd", [d, g.Random("deconv/bias", -1, 1, 2)]);

        // When / Then
        CompareWithOpenCv(g, TensorShape.Of(1, 3, 4, 4), $"deconv_{padding}_{stride}_{outSize}");
    }

    [Fact]
    public void Read_UnfusedBatchNormSubgraph_FoldedAndMatchesOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: tf.layers.batch_normalization(fused=False) at inference after a conv:
        // x * (Rsqrt(var + eps) * gamma) + (beta - mean * (Rsqrt(var + eps) * gamma))
        var g = new GraphDefBuilder(seed: 3);
        string x = g.Placeholder("input", 1, 6, 6, 3);
        string c = g.Conv("conv", x, 3, 3, 3, 4, 1, "SAME");
        string gamma = g.Random("bn/gamma", 0.5f, 1.5f, 4);
        string beta = g.Random("bn/beta", -0.5f, 0.5f, 4);
        string mean = g.Random("bn/moving_mean", -0.5f, 0.5f, 4);
        string variance = g.Random("bn/moving_variance", 0.2f, 2f, 4);
        string eps = g.Floats("bn/batchnorm/add/y", [0.001f]);
        string add = g.Op("bn/batchnorm/add", "Add", [variance, eps]);
        string rsqrt = g.Op("bn/batchnorm/Rsqrt", "Rsqrt", [add]);
        string mul = g.Op("bn/batchnorm/mul", "Mul", [rsqrt, gamma]);
        string mul1 = g.Op("bn/batchnorm/mul_1", "Mul", [c, mul]);
        string mul2 = g.Op("bn/batchnorm/mul_2", "Mul", [mean, mul]);
        string sub = g.Op("bn/batchnorm/sub", "Sub", [beta, mul2]);
        g.Op("bn/batchnorm/add_1", "Add", [mul1, sub]);

        // When
        Model model = OpenCvTensorFlow.Read(OpenCvTensorFlow.Save(_folder, g.Graph, "bn_check.pb"));

        // Then: the parameter chain is folded (the IR computes conv, one Mul and one Add) and the outputs match OpenCV
        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Conv", "Mul", "Add"]);
        CompareWithOpenCv(g, TensorShape.Of(1, 3, 6, 6), "unfused_bn");
    }

    [Fact]
    public void Read_ExplicitPaddingConv_MatchesOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: Conv2D with padding EXPLICIT, explicit_paddings [0, 0, 1, 2, 2, 0, 0, 0] (top 1, bottom 2, left 2, right 0)
        var g = new GraphDefBuilder(seed: 5);
        string x = g.Placeholder("input", 1, 7, 7, 3);
        string w = g.Random("kernel", -0.5f, 0.5f, 3, 3, 3, 4);
        g.Op("conv", "Conv2D", [x, w], ("strides", GraphDefBuilder.Ints(1, 2, 2, 1)), ("padding", GraphDefBuilder.Str("EXPLICIT")), ("explicit_paddings", GraphDefBuilder.Ints(0, 0, 1, 2, 2, 0, 0, 0)));

        // When / Then
        CompareWithOpenCv(g, TensorShape.Of(1, 3, 7, 7), "explicit_padding");
    }

    [Theory]
    [InlineData("1,8,6", false)]
    [InlineData("1,2,12,2", true)]
    public void Read_NhwcReshapeOtherThanFlatten_MatchesNumpy(string target, bool fourD)
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given: a 1x4x6x2 NHWC placeholder reshaped in TF element order
        var g = new GraphDefBuilder();
        string x = g.Placeholder("input", 1, 4, 6, 2);
        int[] dims = [.. target.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
        g.Op("reshaped", "Reshape", [x, g.Int32s("shape", dims)]);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 2, 4, 6), seed: 3);
        NpyWriter.Write(_folder.Combine("x.npy"), input);

        // When
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(OpenCvTensorFlow.Save(_folder, g.Graph)), input);
        Oracle.Python.Run(ReshapeScript, _folder.Combine("x.npy"), _folder.Combine("ref.npy"), target, fourD ? "1" : "0");
        TensorData expected = NpyReader.Read(_folder.Combine("ref.npy"));

        // Then: exactly numpy's element order
        ours.Shape.ShouldBe(expected.Shape);
        ours.ContentEquals(expected).ShouldBeTrue();
    }

    [Theory]
    [InlineData("second_output", "node 'out' (Relu)", "input[0]", "reads output 1 of 'split'")]
    [InlineData("reshape_count", "node 'reshaped' (Reshape)", "node[2]", "holds 35 elements")]
    [InlineData("deconv_sizes", "node 'deconv' (Conv2DBackpropInput)", "input[0]", "does not follow from the input")]
    [InlineData("fold_broadcast", "node 'sum' (Add)", "input", "do not broadcast")]
    public void Read_BadGraph_ErrorNamesNodeAndField(string name, string node, string field, string message)
    {
        // Given
        var g = new GraphDefBuilder();
        string x = g.Placeholder("input", 1, 4, 4, 2);
        switch (name)
        {
            case "second_output":
                g.Op("split", "Relu", [x]);
                g.Op("out", "Relu", ["split:1"]);
                break;
            case "reshape_count":
                g.Op("reshaped", "Reshape", [x, g.Int32s("shape", 1, 5, 7)]);
                break;
            case "deconv_sizes":
                g.Op("deconv", "Conv2DBackpropInput", [g.Int32s("sizes", 1, 20, 20, 3), g.Random("filter", -1, 1, 3, 3, 3, 2), x], ("strides", GraphDefBuilder.Ints(1, 2, 2, 1)), ("padding", GraphDefBuilder.Str("SAME")));
                break;
            default:
                g.Op("sum", "Add", [g.Random("a", -1, 1, 3), g.Random("b", -1, 1, 2)]);
                g.Op("out", "Relu", [x]);
                break;
        }

        string path = OpenCvTensorFlow.Save(_folder, g.Graph);

        // When
        var ex = Should.Throw<ModelFormatException>(() => OpenCvTensorFlow.Read(path));

        // Then
        ex.Message.ShouldContain(node);
        ex.Message.ShouldContain(message);
        ex.FieldPath.ShouldNotBeNull().ShouldEndWith(field);
        ex.FilePath.ShouldBe(path);
    }
}
