using System.Text;
using Converters.Abstractions;

namespace Converters.Plugins.Caffe.Tests;

public sealed class CaffeFormatTests
{
    private static ModelFile File(string path, string text) => new(path, Encoding.UTF8.GetBytes(text), text.Length);

    [Theory]
    [InlineData("name: \"x\"\nlayer {\n  name: \"a\"\n}\n", DetectionConfidence.Content)]
    [InlineData("# comment\ninput: \"data\"\ninput_dim: 1\n", DetectionConfidence.Content)]
    [InlineData("layers { name: \"a\" type: RELU }", DetectionConfidence.Content)]
    [InlineData("net: \"train_val.prototxt\"\nbase_lr: 0.01\n", DetectionConfidence.Extension)]
    public void Detect_Prototxt_ByContentOrExtension(string text, DetectionConfidence expected)
    {
        new CaffeFormat().Detect([File("a.prototxt", text)]).ShouldBe(expected);
    }

    [Fact]
    public void Detect_PrototxtWithCaffemodel_ByContent()
    {
        new CaffeFormat().Detect([File("a.prototxt", "layer {}"), new ModelFile("a.caffemodel", new byte[] { 0x0A, 0x01, 0x61 }, 3)])
            .ShouldBe(DetectionConfidence.Content);
    }

    [Theory]
    [InlineData("a.cfg")]
    [InlineData("a.caffemodel")]
    public void Detect_ForeignOrIncompleteSets_None(string path)
    {
        new CaffeFormat().Detect([File(path, "layer {}")]).ShouldBe(DetectionConfidence.None);
    }

    [Fact]
    public void Read_TwoPrototxts_ThrowsListingTheFiles()
    {
        var ex = Should.Throw<ModelFormatException>(() => new CaffeFormat().Read([File("a.prototxt", string.Empty), File("b.prototxt", string.Empty)], FormatOptions.Empty));
        ex.Message.ShouldContain("one .prototxt and optionally one .caffemodel");
    }

    [Theory]
    [InlineData("1,3,a,4")]
    [InlineData("0,3")]
    [InlineData("")]
    public void Read_BadInputShapeOption_ThrowsNamingTheOption(string value)
    {
        var ex = Should.Throw<ModelFormatException>(() => CaffeFormat.ParseShape(value));
        ex.FieldPath.ShouldBe(CaffeFormat.InputShapeOption);
    }
}
