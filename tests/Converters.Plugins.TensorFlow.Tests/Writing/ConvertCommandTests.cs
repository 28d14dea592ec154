using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Plugins.TensorFlow.Tests.Writing;

/// <summary><c>converters convert --to tensorflow</c> through the CLI with its bundled plugins.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private const string LrnNet = """
        name: "lrn_net"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 4 dim: 8 dim: 8 } } }
        layer { name: "relu1" type: "ReLU" bottom: "data" top: "relu1" }
        layer { name: "norm1" type: "LRN" bottom: "relu1" top: "norm1" lrn_param { local_size: 3 } }

        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Convert_OpTensorFlowCannotExpress_ExitTwoNamingNodeAndNoFileLeft()
    {
        // Given: a Caffe net with an LRN layer
        string prototxt = _folder.WriteText("in/lrn.prototxt", LrnNet);
        string output = _folder.Combine("out");

        // When
        CliResult result = CliRunner.Run("convert", prototxt, "--to", "tensorflow", "-o", output);

        // Then: bad input (2), one line naming the node and the op, nothing in the output folder
        result.ExitCode.ShouldBe(2, result.Error + result.Output);
        result.ErrorLines.ShouldHaveSingleItem();
        result.Error.ShouldContain("node 'norm1'");
        result.Error.ShouldContain("'LRN'");
        (Directory.Exists(output) ? Directory.GetFileSystemEntries(output) : []).ShouldBeEmpty();
    }

    [Fact]
    public void Convert_TextOption_WritesPbtxtThatRunReads()
    {
        // Given
        string prototxt = _folder.WriteText("in/relu.prototxt", LrnNet.Replace("""layer { name: "norm1" type: "LRN" bottom: "relu1" top: "norm1" lrn_param { local_size: 3 } }""", string.Empty, StringComparison.Ordinal));
        string output = _folder.Combine("out");

        // When
        CliResult convert = CliRunner.Run("convert", prototxt, "--to", "tensorflow", "--tf-text", "-o", output);
        CliResult inspect = CliRunner.Run("inspect", Path.Combine(output, "relu.pbtxt"));

        // Then
        convert.ExitCode.ShouldBe(0, convert.Error + convert.Output);
        Directory.GetFiles(output).Select(Path.GetFileName).ShouldBe(["relu.pbtxt"]);
        inspect.ExitCode.ShouldBe(0, inspect.Error + inspect.Output);
        inspect.Output.ShouldContain("Relu");
    }
}
