using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Statistics;
using Converters.Testing.Cli;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>YOLOv3 at its own 608 x 608 size, as the issue fixes it.</summary>
public sealed class Yolov3Tests(ITestOutputHelper output)
{
    private static string Cfg => Path.Combine(DarknetOracle.CfgFolder, "yolov3.cfg");

    [Fact]
    public void Inspect_Yolov3CfgAlone_Shows107LayersAndItsParameterCounts()
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // When: inspected through the CLI without weights
        (int code, string stdout, string stderr) = CliRunner.Run("inspect", Cfg);

        // Then: the parameter totals, the three YOLO outputs and the last layer's node
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("params: 61,949,149 trainable, 62,001,757 stored values");
        stdout.ShouldContain("output 82: float32[1x255x19x19]");
        stdout.ShouldContain("output 94: float32[1x255x38x38]");
        stdout.ShouldContain("output 106: float32[1x255x76x76]");

        // And: 107 Darknet layers, the weights marked absent
        Model model = new DarknetFormat().Read([ModelFile.Open(Cfg)], FormatOptions.Empty);
        model.Graph.Nodes.Select(n => n.Metadata[DarknetMetadata.Layer].AsInt()).Distinct().Count().ShouldBe(107);
        model.Metadata[DarknetMetadata.Weights].AsString().ShouldBe("absent");
        ModelStatistics stats = ModelStatistics.Compute(model.Graph);
        stats.TotalParameters.ShouldBe(61_949_149);
        stats.TotalStoredValues.ShouldBe(62_001_757);
    }

    [Fact]
    public void Read_Yolov3_EveryOutputShapeEqualsDarknetsTable()
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given: darknet's table for yolov3.cfg as shipped
        string[] table = DarknetOracle.TableLines(DarknetOracle.Parse((Cfg, null))[Cfg]);
        Dictionary<int, (int W, int H, int C)> expected = DarknetTable.OutputShapes(table);

        // When
        Model model = new DarknetFormat().Read([ModelFile.Open(Cfg)], FormatOptions.Empty);
        Ir.Schemas.ShapeInference.Run(model.Graph);

        // Then: 75 conv + 23 shortcut + 2 upsample rows carry shapes, all equal
        expected.Count.ShouldBe(100);
        foreach ((int layer, (int w, int h, int c)) in expected)
        {
            model.Graph.FindValue(layer.ToString(CultureInfo.InvariantCulture))!.Shape.ShouldBe(TensorShape.Of(1, c, h, w), $"layer {layer}");
        }

        output.WriteLine($"yolov3.cfg: {expected.Count} of 107 darknet table rows carry shapes; all equal ours");
    }
}
