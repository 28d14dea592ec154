using System.Text.Json;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Cli.Tests.Commands;

/// <summary>`converters inspect` on Debian's own yolov3.cfg, through the bundled Darknet plugin.</summary>
public sealed class InspectDarknetTests(ITestOutputHelper output) : IDisposable
{
    private const string Yolov3 = "/usr/share/darknet/cfg/yolov3.cfg";

    private readonly Converters.Testing.TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Inspect_Yolov3Cfg_107LayersAndDarknetCounts()
    {
        // Given Debian's darknet cfg collection
        var probe = new OracleProbe("darknet cfgs", File.Exists(Yolov3), $"{Yolov3} not found (apt-get install darknet)");
        if (!Oracle.SkipOrFail(output, probe))
        {
            return;
        }

        string json = _folder.Combine("yolov3.json");

        // When
        CliResult result = CliRunner.Run("inspect", Yolov3, "--json", json);

        // Then: the counts the issue fixes, and darknet's own 140.69 BFLOPs at 608x608 (= 2 x MACs)
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("layers: 107 (");
        result.Output.ShouldContain("params: 61,949,149 trainable, 62,001,757 stored values");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        doc.RootElement.GetProperty("source_layers").GetInt32().ShouldBe(107);
        doc.RootElement.GetProperty("params").GetInt64().ShouldBe(61_949_149);
        doc.RootElement.GetProperty("stored_values").GetInt64().ShouldBe(62_001_757);
        (2 * doc.RootElement.GetProperty("macs").GetInt64() / 1e9).ShouldBe(140.69, 0.005);
        doc.RootElement.GetProperty("outputs").GetArrayLength().ShouldBe(3);
    }
}
