using Converters.Testing;

namespace Converters.Abstractions.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Open_ReadsHeaderExtensionAndLength()
    {
        byte[] content = new byte[ModelFile.HeaderSize + 100];
        content[0] = 0x42;
        string path = _folder.WriteFile("YoloV3.Weights", content);

        ModelFile file = ModelFile.Open(path);

        file.Extension.ShouldBe(".weights");
        file.BaseName.ShouldBe("YoloV3");
        file.Length.ShouldBe(content.Length);
        file.Header.Length.ShouldBe(ModelFile.HeaderSize);
        file.Header.Span[0].ShouldBe((byte)0x42);
    }

    [Fact]
    public void Open_ShortFile_HeaderIsWholeFile()
    {
        string path = _folder.WriteText("a.cfg", "[net]");
        ModelFile.Open(path).Header.Length.ShouldBe(5);
    }

    [Fact]
    public void Open_Missing_ModelFormatExceptionNamingFile()
    {
        string path = _folder.Combine("missing.cfg");
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => ModelFile.Open(path));
        ex.FilePath.ShouldBe(path);
        ex.ToDiagnostic().ShouldBe($"{path}: cannot open the file: file not found");
    }

    [Fact]
    public void ReadAllBytes_WithinLimit_ReturnsContent_TooLargeOrMissing_Fails()
    {
        string path = _folder.WriteText("net.cfg", "[net]\n");
        ModelFile.ReadAllBytes(path, 6).ShouldBe("[net]\n"u8.ToArray());

        ModelFormatException tooLarge = Should.Throw<ModelFormatException>(() => ModelFile.ReadAllBytes(path, 5, " Is it a .weights file?"));
        tooLarge.ToDiagnostic().ShouldBe($"{path}: the file has 6 bytes, more than the 5 this format reads. Is it a .weights file?");

        string missing = _folder.Combine("missing.cfg");
        Should.Throw<ModelFormatException>(() => ModelFile.ReadAllBytes(missing, 5)).ToDiagnostic()
            .ShouldBe($"{missing}: cannot read the file: file not found");
    }

    [Fact]
    public void FormatOptions_FlagsAndValues()
    {
        var options = new FormatOptions([new("caffe-legacy", null), new("tf-checkpoint", "false"), new("header", "0.1")]);
        options.IsSet("caffe-legacy").ShouldBeTrue();
        options.IsSet("tf-checkpoint").ShouldBeFalse();
        options.IsSet("absent").ShouldBeFalse();
        options.Get("header").ShouldBe("0.1");
        FormatOptions.Empty.Names.ShouldBeEmpty();
    }

    [Fact]
    public void UnsupportedOperatorException_ListsSupported()
    {
        var ex = new UnsupportedOperatorException("Frob", ["Conv", "Relu"]) { FilePath = "m.prototxt", Line = 7, Column = 3 };
        ex.ToDiagnostic().ShouldBe("m.prototxt:7:3: unsupported operator 'Frob'; supported: Conv, Relu");
    }
}
