using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Tensorflow;
using Xunit.Abstractions;
using static Converters.Plugins.TensorFlow.Tests.GraphDefBuilder;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// Each mapped op, in a GraphDef with seeded weights, against OpenCV 4.6's TensorFlow importer. OpenCV 4.6 cannot
/// run Maximum and ignores Conv2D's dilations attribute: those are checked against numpy in <see cref="NumpyOpConformanceTests"/>.
/// </summary>
public sealed class OpenCvOpConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Builds the graph of one case on a [1, 7, 7, 3] NHWC input; returns nothing (the last node is the output).</summary>
    private static void Build(string name, GraphDefBuilder g)
    {
        string x = g.Placeholder("input", -1, 7, 7, 3);
        switch (name)
        {
            case "conv_same_stride2":
                g.Conv("conv", x, 3, 3, 3, 4, 2, "SAME");
                break;
            case "conv_same_even_kernel":
                g.Conv("conv", x, 2, 2, 3, 4, 1, "SAME");
                break;
            case "depthwise":
                g.Op("dw", "DepthwiseConv2dNative", [x, g.Random("dw/kernel", -1, 1, 3, 3, 3, 2)], ("strides", Ints(1, 1, 1, 1)), ("padding", Str("SAME")), ("data_format", Str("NHWC")));
                break;
            case "bias_relu6":
                g.Op("relu", "Relu6", [g.Op("bias", "BiasAdd", [g.Conv("conv", x, 1, 1, 3, 4, 1, "VALID"), g.Random("b", -3, 3, 4)], ("data_format", Str("NHWC")))]);
                break;
            case "batchnorm_relu":
                g.Op("relu", "Relu", [g.BatchNorm("bn", g.Conv("conv", x, 3, 3, 3, 4, 1, "SAME"), 4)]);
                break;
            case "mul_add_const":
                g.Op("add", "AddV2", [g.Op("mul", "Mul", [g.Conv("conv", x, 1, 1, 3, 4, 1, "VALID"), g.Random("m", 0.5f, 2, 4)]), g.Random("a", -1, 1, 4)]);
                break;
            case "sub_div":
                g.Op("div", "RealDiv", [g.Op("sub", "Sub", [x, g.Random("s", -1, 1, 3)]), g.Random("d", 1, 2, 3)]);
                break;
            case "leaky_elu_tanh_sigmoid":
                g.Op("sig", "Sigmoid", [g.Op("tanh", "Tanh", [g.Op("elu", "Elu", [g.Op("leaky", "LeakyRelu", [x], ("alpha", new AttrValue { F = 0.1f }))])])]);
                break;
            case "maxpool_same":
                g.Pool("pool", "MaxPool", x, 2, 2, "SAME");
                break;
            case "maxpool_valid":
                g.Pool("pool", "MaxPool", x, 3, 2, "VALID");
                break;
            case "avgpool_same":
                g.Pool("pool", "AvgPool", x, 3, 2, "SAME");
                break;
            case "concat_channels":
                g.Op("concat", "ConcatV2", [g.Conv("c1", x, 1, 1, 3, 2, 1, "VALID"), g.Conv("c2", x, 3, 3, 3, 3, 1, "SAME"), g.Int32s("axis", 3)], ("N", new AttrValue { I = 2 }));
                break;
            case "pad_conv":
                g.Conv("conv", g.Op("pad", "Pad", [x, g.Int32Matrix("paddings", 4, 0, 0, 1, 2, 2, 1, 0, 0)]), 3, 3, 3, 4, 1, "VALID");
                break;
            case "flatten_matmul_softmax":
                string conv = g.Conv("conv", x, 3, 3, 3, 4, 2, "VALID");
                string flat = g.Op("flat", "Reshape", [conv, g.Int32s("shape", -1, 36)]);
                g.Op("prob", "Softmax", [g.Op("fc", "MatMul", [flat, g.Random("w", -0.5f, 0.5f, 36, 10)], ("transpose_a", new AttrValue { B = false }), ("transpose_b", new AttrValue { B = false }))]);
                break;
            case "mean_matmul":
                string mean = g.Op("mean", "Mean", [g.Conv("conv", x, 3, 3, 3, 6, 1, "SAME"), g.Int32s("axes", 1, 2)], ("keep_dims", new AttrValue { B = false }));
                g.Op("fc", "MatMul", [mean, g.Random("w", -1, 1, 6, 5)]);
                break;
            case "resize_nearest":
                g.Op("up", "ResizeNearestNeighbor", [g.Conv("conv", x, 1, 1, 3, 2, 1, "VALID"), g.Int32s("size", 14, 14)], ("align_corners", new AttrValue { B = false }));
                break;
            case "mean_keepdims_squeeze":
                string kept = g.Op("mean", "Mean", [g.Conv("conv", x, 3, 3, 3, 4, 1, "SAME"), g.Int32s("axes", 1, 2)], ("keep_dims", new AttrValue { B = true }));
                g.Op("fc", "MatMul", [g.Op("squeeze", "Squeeze", [kept], ("squeeze_dims", Ints(1, 2))), g.Random("w", -1, 1, 4, 3)]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case");
        }
    }

    [Theory]
    [InlineData("conv_same_stride2")]
    [InlineData("conv_same_even_kernel")]
    [InlineData("depthwise")]
    [InlineData("bias_relu6")]
    [InlineData("batchnorm_relu")]
    [InlineData("mul_add_const")]
    [InlineData("sub_div")]
    [InlineData("leaky_elu_tanh_sigmoid")]
    [InlineData("maxpool_same")]
    [InlineData("maxpool_valid")]
    [InlineData("avgpool_same")]
    [InlineData("concat_channels")]
    [InlineData("pad_conv")]
    [InlineData("flatten_matmul_softmax")]
    [InlineData("mean_matmul")]
    [InlineData("resize_nearest")]
    [InlineData("mean_keepdims_squeeze")]
    public void Read_OpGraph_MatchesOpenCv(string name)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: the case's GraphDef on a [?, 7, 7, 3] NHWC Placeholder, and a seeded NCHW input
        var g = new GraphDefBuilder(seed: name.Length);
        Build(name, g);
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData x = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 7, 7), seed: 7);

        // When: our reader + engine and OpenCV run it
        TensorData ours = OpenCvTensorFlow.Run(OpenCvTensorFlow.Read(path), x);
        TensorData theirs = OpenCvTensorFlow.Forward(_folder, path, x);

        // Then: same shape (OpenCV returns 4-D results NCHW, like our IR) and values within 1e-4 relative
        ours.Shape.ShouldBe(theirs.Shape);
        double error = OpenCvTensorFlow.RelativeError(ours, theirs);
        output.WriteLine($"{name}: {ours.Shape}, relative max error {error:E2}");
        error.ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }

    [Fact]
    public void Read_SmallCnn_MatchesOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: conv-BN-relu-pool-conv-mean-matmul-softmax on a 1x16x16x3 NHWC input
        var g = new GraphDefBuilder(seed: 42);
        string x = g.Placeholder("input", 1, 16, 16, 3);
        string c1 = g.Op("relu1", "Relu", [g.BatchNorm("bn1", g.Conv("conv1", x, 3, 3, 3, 8, 1, "SAME"), 8)]);
        string p1 = g.Pool("pool1", "MaxPool", c1, 2, 2, "VALID");
        string c2 = g.Op("relu2", "Relu", [g.Op("bias2", "BiasAdd", [g.Conv("conv2", p1, 3, 3, 8, 16, 2, "SAME"), g.Random("b2", -0.5f, 0.5f, 16)])]);
        string mean = g.Op("mean", "Mean", [c2, g.Int32s("axes", 1, 2)], ("keep_dims", new AttrValue { B = false }));
        string fc = g.Op("bias3", "BiasAdd", [g.Op("fc", "MatMul", [mean, g.Random("w", -1, 1, 16, 10)]), g.Random("b3", -0.5f, 0.5f, 10)]);
        g.Op("prob", "Softmax", [fc]);
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 16, 16), seed: 3);

        // When
        var model = OpenCvTensorFlow.Read(path);
        TensorData ours = OpenCvTensorFlow.Run(model, input);
        TensorData theirs = OpenCvTensorFlow.Forward(_folder, path, input);

        // Then
        model.Metadata[TensorFlowMetadata.InputLayout].ToString().ShouldContain("NHWC");
        ours.Shape.ShouldBe(TensorShape.Of(1, 10));
        double error = OpenCvTensorFlow.RelativeError(ours, theirs);
        output.WriteLine($"small CNN: relative max error {error:E2}");
        error.ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }
}
