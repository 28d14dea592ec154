using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Tests.Writing;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// GraphDefs written by <see cref="TensorFlowFormat.Write"/> for each op mapping load in OpenCV 4.6's TensorFlow
/// importer and give the outputs our engine computes on the IR model they were written from.
/// </summary>
public sealed class OpenCvWrittenGraphTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in WriterCases.All.Where(n => !WriterCases.NotInOpenCv.Contains(n)))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Write_MappedOp_OpenCvGivesTheIrOutputs(string name)
    {
        if (!Oracle.Python.Require(output, "cv2", "numpy"))
        {
            return;
        }

        // Given
        Model model = WriterCases.Build(name);
        TensorData x = OpenCvTensorFlow.Input(model.Graph.Inputs[0].Shape, seed: 9);
        TensorData expected = TensorFlowWriterTests.RunSingle(model, x);

        // When
        string path = new TensorFlowFormat().Write(model, _folder.Combine("out"), name, FormatOptions.Empty).Single();
        TensorData opencv = OpenCvTensorFlow.Forward(_folder, path, x);

        // Then
        double error = OpenCvTensorFlow.RelativeError(opencv, expected);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: OpenCV vs IR relative max error {error:E2}"));
        error.ShouldBeLessThanOrEqualTo(OpenCvTensorFlow.Tolerance);
    }
}
