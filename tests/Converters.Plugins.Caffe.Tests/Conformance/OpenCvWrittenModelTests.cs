using System.Globalization;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>
/// The command line end to end: <c>converters run</c> on a Caffe net against OpenCV, and
/// <c>converters convert --to caffe</c> output loaded by OpenCV with the outputs of the original.
/// </summary>
public sealed class OpenCvWrittenModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public static TheoryData<string> Cases => LayerCases.Names();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("resnet_bottleneck")]
    [InlineData("squeezenet_fire")]
    [InlineData("lenet_v1")]
    public void RunCommand_ClassicTopology_MatchesOpenCv(string name)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given
        LayerCase c = LayerCases.All[name];
        string prototxt = _folder.WriteText("net.prototxt", c.Prototxt);
        string caffemodel = _folder.WriteFile("net.caffemodel", Caffemodels.Build(23, c.Blobs));
        ValueInfo input = Reading.Read(prototxt, caffemodel).Graph.Inputs.Single();
        TensorData x = OpenCvCaffe.Input(input.Shape, 8);
        string xPath = _folder.Combine("x.npy");
        NpyWriter.Write(xPath, x);

        // When
        (int code, string stdout, string stderr) = CliRunner.Run("run", prototxt, caffemodel, "--input", xPath, "-o", _folder.Combine("out"));

        // Then
        code.ShouldBe(0, stderr + stdout);
        TensorData ours = NpyReader.Read(_folder.Combine("out/0.npy"));
        TensorData opencv = OpenCvCaffe.Forward(_folder, prototxt, caffemodel, c.Output, new Dictionary<string, TensorData> { [input.Name] = x });
        double error = OpenCvCaffe.RelativeError(ours, opencv);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: relative max error {error:E2}"));
        error.ShouldBeLessThanOrEqualTo(OpenCvCaffe.Tolerance);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvertCommand_ToCaffe_OpenCvComputesTheSameOutputs(string name)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given
        LayerCase c = LayerCases.All[name];
        string prototxt = _folder.WriteText("in/net.prototxt", c.Prototxt);
        string caffemodel = _folder.WriteFile("in/net.caffemodel", Caffemodels.Build(29, c.Blobs));
        Model model = Reading.Read(prototxt, caffemodel);
        var inputs = model.Graph.Inputs.ToDictionary(v => v.Name, v => OpenCvCaffe.Input(v.Shape, 2));

        // When
        (int code, string stdout, string stderr) = CliRunner.Run("convert", prototxt, caffemodel, "--to", "caffe", "-o", _folder.Combine("out"));

        // Then: OpenCV gives the written net the outputs it gives the original (same layer names kept)
        code.ShouldBe(0, stderr + stdout);
        TensorData before = OpenCvCaffe.Forward(_folder, prototxt, caffemodel, c.Output, inputs);
        TensorData after = OpenCvCaffe.Forward(_folder, _folder.Combine("out/net.prototxt"), _folder.Combine("out/net.caffemodel"), c.Output, inputs);
        after.Shape.ShouldBe(before.Shape);
        OpenCvCaffe.RelativeError(after, before).ShouldBeLessThanOrEqualTo(1e-6);
    }

    [Theory]
    [InlineData("tiny-cnn.tnet", "prob")]
    public void ConvertCommand_BundledSampleToCaffe_OpenCvComputesOurOutputs(string sample, string outputName)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given a sample of another format (TextNet: floor-mode pooling, residual Add, Concat, explicit tensors)
        string path = RepositoryPaths.Combine("samples", "textnet", sample);
        string name = Path.GetFileNameWithoutExtension(sample);

        // When converted to Caffe, and run by us on the original
        (int code, string stdout, string stderr) = CliRunner.Run("convert", path, "--to", "caffe", "-o", _folder.Combine("caffe"));
        code.ShouldBe(0, stderr + stdout);
        string prototxt = _folder.Combine($"caffe/{name}.prototxt");
        string caffemodel = _folder.Combine($"caffe/{name}.caffemodel");
        ValueInfo input = Reading.Read(prototxt, caffemodel).Graph.Inputs.Single();
        TensorData x = OpenCvCaffe.Input(input.Shape, 5);
        string xPath = _folder.Combine("x.npy");
        NpyWriter.Write(xPath, x);
        (code, stdout, stderr) = CliRunner.Run("run", path, "--input", xPath, "-o", _folder.Combine("ours"));
        code.ShouldBe(0, stderr + stdout);

        // Then OpenCV's Caffe importer loads the written net and computes the original's outputs
        TensorData ours = NpyReader.Read(_folder.Combine("ours/0.npy"));
        TensorData opencv = OpenCvCaffe.Forward(_folder, prototxt, caffemodel, outputName, new Dictionary<string, TensorData> { [input.Name] = x });
        double error = OpenCvCaffe.RelativeError(ours, opencv);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sample}: relative max error {error:E2}"));
        error.ShouldBeLessThanOrEqualTo(OpenCvCaffe.Tolerance);
    }
}
