using System.Text;
using Converters.Abstractions;
using Converters.Testing;

namespace Converters.Samples.TextNet.Tests;

public sealed class TextNetFormatTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly TextNetFormat _format = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Properties_DescribeTheFormat()
    {
        // Given the format; Then its names, extension and capabilities are the documented ones
        _format.Name.ShouldBe("textnet");
        _format.DisplayName.ShouldBe("TextNet (.tnet)");
        _format.Extensions.ShouldBe([".tnet"]);
        _format.CanRead.ShouldBeTrue();
        _format.CanWrite.ShouldBeTrue();
        _format.Options.ShouldBeEmpty();
    }

    [Fact]
    public void Assembly_DeclaresTheFormatAsPlugin()
    {
        // Given the plugin assembly; When its ConverterPlugin attributes are read
        ConverterPluginAttribute[] plugins = [.. typeof(TextNetFormat).Assembly.GetCustomAttributes(typeof(ConverterPluginAttribute), false).Cast<ConverterPluginAttribute>()];

        // Then it declares TextNetFormat, which has a public parameterless constructor
        plugins.ShouldHaveSingleItem().FormatType.ShouldBe(typeof(TextNetFormat));
        typeof(TextNetFormat).GetConstructor(Type.EmptyTypes).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("model.tnet", "textnet 1\n")]
    [InlineData("model.txt", "textnet 1\n")]
    [InlineData("model", "\ufeff  \r\n\ttextnet\t1\n")]
    public void Detect_HeaderAfterOptionalBomAndWhiteSpace_IsContent(string name, string text)
    {
        // Given a file starting with the header; When it is detected
        DetectionConfidence confidence = _format.Detect([File(name, text)]);

        // Then the content matches, whatever the extension
        confidence.ShouldBe(DetectionConfidence.Content);
    }

    [Theory]
    [InlineData("model.tnet", "# comment first\ntextnet 1\n", DetectionConfidence.Extension)]
    [InlineData("model.TNET", "textnet1\n", DetectionConfidence.Extension)]
    [InlineData("model.tnet", "", DetectionConfidence.Extension)]
    [InlineData("model.cfg", "[net]\nwidth=416\n", DetectionConfidence.None)]
    [InlineData("model.txt", "textnetwork 1\n", DetectionConfidence.None)]
    public void Detect_WithoutHeader_FallsBackToExtension(string name, string text, DetectionConfidence expected)
    {
        // Given a file without the header; When it is detected
        DetectionConfidence confidence = _format.Detect([File(name, text)]);

        // Then only a .tnet extension (in any case) counts
        confidence.ShouldBe(expected);
    }

    [Fact]
    public void Detect_SeveralFiles_IsNone()
    {
        // Given two TextNet files named together; When they are detected
        DetectionConfidence confidence = _format.Detect([File("a.tnet", "textnet 1\n"), File("b.tnet", "textnet 1\n")]);

        // Then TextNet, a one-file format, does not claim them
        confidence.ShouldBe(DetectionConfidence.None);
    }

    [Fact]
    public void Read_SeveralFiles_ThrowsFormatError()
    {
        // Given two files; When they are read
        string a = _folder.WriteText("a.tnet", "textnet 1\n");
        string b = _folder.WriteText("b.tnet", "textnet 1\n");
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => _format.Read([ModelFile.Open(a), ModelFile.Open(b)], FormatOptions.Empty));

        // Then the error says TextNet reads one file
        ex.Message.ShouldStartWith("TextNet reads exactly one .tnet file, got 2");
        ex.FilePath.ShouldBe(a);
    }

    private static ModelFile File(string name, string text)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(text);
        return new ModelFile(name, bytes, bytes.Length);
    }
}
