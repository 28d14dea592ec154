using Converters.Abstractions;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Cfg;

/// <summary>Every cfg problem is a ModelFormatException at the file, line and column, with the field and what was expected.</summary>
public sealed class CfgErrorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string CfgPath => _folder.Combine("model.cfg");

    private static string Tiny(string find, string replace) => TestModels.TinyCfg.Replace(find, replace, StringComparison.Ordinal);

    private static int LineOf(string text, string startsWith) =>
        text.Split('\n').Select((l, i) => (l, i)).First(t => t.l.StartsWith(startsWith, StringComparison.Ordinal)).i + 1;

    [Fact]
    public void Read_UnknownKey_FailsAtTheKey()
    {
        // Given
        string cfg = Tiny("filters=2\n", "filters=2\nfilterz=3\n");

        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        // Then
        ex.FilePath.ShouldBe(CfgPath);
        ex.Line.ShouldBe(LineOf(cfg, "filterz"));
        ex.Column.ShouldBe(1);
        ex.FieldPath.ShouldBe("[convolutional] #2.filterz");
        ex.Message.ShouldBe("unknown key 'filterz' (Darknet would ignore it with \"Unused field\"); remove it or fix its spelling");
    }

    [Fact]
    public void Read_BadIntegerValue_FailsAtTheValue()
    {
        string cfg = Tiny("filters=2\n", "filters = abc\n");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.FilePath.ShouldBe(CfgPath);
        ex.Line.ShouldBe(LineOf(cfg, "filters = abc"));
        ex.Column.ShouldBe(11);
        ex.FieldPath.ShouldBe("[convolutional] #2.filters");
        ex.Message.ShouldBe("'filters' must be an integer, got \"abc\"");
    }

    [Fact]
    public void Read_ZeroFilters_FailsSayingPositive()
    {
        string cfg = Tiny("filters=2\n", "filters=0\n");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(LineOf(cfg, "filters=0"));
        ex.Message.ShouldBe("'filters' must be a positive integer, got 0");
    }

    [Fact]
    public void Read_UnknownActivation_FailsInsteadOfDarknetsReluFallback()
    {
        string cfg = Tiny("activation=linear", "activation=leakyy");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(LineOf(cfg, "activation=leakyy"));
        ex.FieldPath.ShouldBe("[convolutional] #2.activation");
        ex.Message.ShouldStartWith("unknown activation 'leakyy' (Darknet would silently use relu)");
    }

    [Fact]
    public void Read_UnknownSection_FailsAtTheHeader()
    {
        string cfg = Tiny("[maxpool]", "[maxpooling]");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.FilePath.ShouldBe(CfgPath);
        ex.Line.ShouldBe(LineOf(cfg, "[maxpooling]"));
        ex.Column.ShouldBe(1);
        ex.FieldPath.ShouldBe("[maxpooling] #1");
        ex.Message.ShouldStartWith("unknown section [maxpooling] (Darknet would replace it with an empty layer); supported: ");
    }

    [Fact]
    public void Read_RecurrentSection_FailsAsNotImported()
    {
        string cfg = TestModels.TinyCfg + "[rnn]\noutput=4\n";

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(LineOf(cfg, "[rnn]"));
        ex.Message.ShouldStartWith("section [rnn] is a Darknet layer this plugin does not import");
    }

    [Fact]
    public void Read_RouteIndexOutOfRange_FailsAtLayers()
    {
        string cfg = Tiny("layers=-1,-2", "layers=-1,-5");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(LineOf(cfg, "layers="));
        ex.Column.ShouldBe(8);
        ex.FieldPath.ShouldBe("[route] #3.layers");
        ex.Message.ShouldBe("'layers' refers to layer -5 (= layer -2), but only layers 0..2 come before layer 3");
    }

    [Fact]
    public void Read_RouteOfDifferentSizes_FailsLikeDarknetsZeroShape()
    {
        string cfg = Tiny("layers=-1,-2", "layers=-1,0");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.FieldPath.ShouldBe("[route] #3.layers");
        ex.Message.ShouldStartWith("layer 0 is 8 x 8 but the first layer of the list (layer 2) is 4 x 4; Darknet concatenates only equal W x H");
    }

    [Fact]
    public void Read_FirstSectionNotNet_Fails()
    {
        var ex = Reading.Fails<ModelFormatException>(_folder, "[convolutional]\nfilters=1\n");

        ex.Line.ShouldBe(1);
        ex.Message.ShouldBe("the first section is [convolutional]; it must be [net] or [network]");
    }

    [Fact]
    public void Read_LineWithoutEquals_FailsLikeDarknetsCouldNotParse()
    {
        string cfg = Tiny("stride=2\n", "stride\n");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(cfg.Split('\n').ToList().IndexOf("stride") + 1);
        ex.Message.ShouldBe("expected key=value, got \"stride\" (no '=')");
    }

    [Fact]
    public void Read_GroupsNotDividingChannels_FailsAtGroups()
    {
        string cfg = Tiny("filters=2\n", "filters=2\ngroups=3\n");

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.Line.ShouldBe(LineOf(cfg, "groups=3"));
        ex.FieldPath.ShouldBe("[convolutional] #2.groups");
        ex.Message.ShouldBe("groups=3 must divide the input channels (4) and 'filters' (2)");
    }

    [Fact]
    public void Read_YoloWithWrongFilters_IrValidationReportedAtTheCfgLine()
    {
        // Given: 2 filters cannot feed 1 anchor x (80 classes + 5)
        string cfg = TestModels.TinyCfg + "[convolutional]\nfilters=2\nsize=1\nactivation=linear\n\n[yolo]\nmask=0\nanchors=1,2\nclasses=80\nnum=1\n";

        var ex = Reading.Fails<ModelFormatException>(_folder, cfg);

        ex.FilePath.ShouldBe(CfgPath);
        ex.Line.ShouldBe(LineOf(cfg, "classes=80"));
        ex.FieldPath.ShouldBe("[yolo] #5.classes");
        ex.Message.ShouldContain("needs 85 input channels");
        ex.InnerException.ShouldBeAssignableTo<Ir.Diagnostics.IrValidationException>();
    }

    [Fact]
    public void Read_NetWithoutChannels_FailsNamingWhatIsMissing()
    {
        var ex = Reading.Fails<ModelFormatException>(_folder, "[net]\nwidth=416\n[avgpool]\n");

        ex.Line.ShouldBe(2);
        ex.FieldPath.ShouldBe("[net].width");
        ex.Message.ShouldStartWith("[net] needs positive height, width and channels; missing or 0: height, channels");
    }
}
