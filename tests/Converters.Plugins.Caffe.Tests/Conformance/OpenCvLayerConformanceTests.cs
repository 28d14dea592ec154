using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>
/// Every mapped layer type and three classic topologies, with seeded random caffemodels built by the
/// tests: our reader + engine against OpenCV 4.6's Caffe importer (relative max error at most 1e-4).
/// </summary>
public sealed class OpenCvLayerConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public static TheoryData<string> Cases => LayerCases.Names();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_LayerNet_MatchesOpenCv(string name)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given
        LayerCase c = LayerCases.All[name];
        string prototxt = _folder.WriteText("net.prototxt", c.Prototxt);
        string caffemodel = _folder.WriteFile("net.caffemodel", Caffemodels.Build(17, c.Blobs));
        Model model = Reading.Read(prototxt, caffemodel);
        var inputs = model.Graph.Inputs.ToDictionary(v => v.Name, v => OpenCvCaffe.Input(v.Shape, 5));

        // When
        TensorData ours = OpenCvCaffe.Run(model, inputs, model.Graph.Outputs.Contains(c.Output) ? c.Output : null);
        TensorData opencv = OpenCvCaffe.Forward(_folder, prototxt, caffemodel, c.Output, inputs);

        // Then
        double error = OpenCvCaffe.RelativeError(ours, opencv);
        output.WriteLine($"{name}: shape {ours.Shape}, relative max error {error:E2}");
        ours.Shape.ShouldBe(opencv.Shape);
        opencv.AsSpan<float>().ToArray().Distinct().Count().ShouldBeGreaterThan(1, "a constant output would compare nothing");
        error.ShouldBeLessThanOrEqualTo(OpenCvCaffe.Tolerance);
    }
}
