using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;
using static Converters.Plugins.TensorFlow.Tests.GraphDefBuilder;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>A graph written with data_format NCHW (as TF GPU graphs are) against OpenCV 4.6.</summary>
public sealed class NchwConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_NchwConvBiasPool_MatchesOpenCv()
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given: Placeholder [1, 3, 8, 8] read by NCHW Conv2D (stride 2, SAME), BiasAdd and MaxPool
        var g = new GraphDefBuilder(seed: 4);
        string x = g.Placeholder("input", 1, 3, 8, 8);
        string conv = g.Op("conv", "Conv2D", [x, g.Random("k", -0.5f, 0.5f, 3, 3, 3, 4)], ("strides", Ints(1, 1, 2, 2)), ("padding", Str("SAME")), ("data_format", Str("NCHW")));
        string bias = g.Op("bias", "BiasAdd", [conv, g.Random("b", -1, 1, 4)], ("data_format", Str("NCHW")));
        g.Op("pool", "MaxPool", [bias], ("ksize", Ints(1, 1, 2, 2)), ("strides", Ints(1, 1, 2, 2)), ("padding", Str("VALID")), ("data_format", Str("NCHW")));
        string path = OpenCvTensorFlow.Save(_folder, g.Graph);
        TensorData input = OpenCvTensorFlow.Input(TensorShape.Of(1, 3, 8, 8), seed: 8);

        // When
        var model = OpenCvTensorFlow.Read(path);
        TensorData ours = OpenCvTensorFlow.Run(model, input);
        TensorData theirs = OpenCvTensorFlow.Forward(_folder, path, input);

        // Then
        model.Metadata[TensorFlowMetadata.InputLayout].ToString().ShouldContain("NCHW");
        ours.Shape.ShouldBe(TensorShape.Of(1, 4, 2, 2));
        theirs.Shape.ShouldBe(ours.Shape);
        OpenCvTensorFlow.RelativeError(ours, theirs).ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }
}
