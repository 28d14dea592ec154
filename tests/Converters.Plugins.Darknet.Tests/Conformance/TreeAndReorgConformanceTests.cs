using Converters.Plugins.Darknet.Tests.Cfg;
using Converters.Testing;
using Converters.Testing.Cli;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// Against Debian's darknet, on cfgs written here for what no Debian cfg exercises: a [softmax] whose
/// tree file is named relative to the cfg (darknet opens it from its working directory, the cfg's folder
/// here; we are run from elsewhere and find it next to the cfg) with a temperature, [reorg] with
/// flatten=1 (both directions) and extra, and pjreddie's [activation]. Darknet's random weights round-trip byte for byte, darknet
/// prints the same table for the written cfg, and our engine's layer outputs equal darknet's.
/// </summary>
public sealed class TreeAndReorgConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const string TreeCfg = """
        [net]
        batch=1
        width=8
        height=8
        channels=3

        [convolutional]
        batch_normalize=1
        filters=16
        size=3
        stride=1
        pad=1
        activation=leaky

        [convolutional]
        filters=30
        size=1
        stride=1
        pad=1
        activation=linear

        [avgpool]

        [softmax]
        groups=1
        temperature=2
        tree=data/synthetic.tree

        """;

    private const string ReorgCfg = """
        [net]
        batch=1
        width=8
        height=8
        channels=3

        [convolutional]
        filters=8
        size=3
        stride=1
        pad=1
        activation=leaky

        [reorg]
        flatten=1
        stride=2

        [convolutional]
        filters=4
        size=1
        stride=1
        activation=linear

        [reorg]
        flatten=1
        reverse=1
        stride=2

        [convolutional]
        filters=2
        size=3
        stride=1
        pad=1
        activation=linear

        [reorg]
        extra=3
        stride=1

        [softmax]

        """;

    /// <summary>pjreddie's [activation] after a route (where no layer can carry it), with its default (linear).</summary>
    private const string ActivationCfg = """
        [net]
        batch=1
        width=8
        height=8
        channels=3

        [convolutional]
        filters=4
        size=3
        stride=1
        pad=1
        activation=linear

        [convolutional]
        filters=4
        size=1
        stride=1
        activation=linear

        [route]
        layers=-1,-2

        [activation]
        activation=leaky

        [activation]

        [activation]
        activation=logistic

        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("tree")]
    [InlineData("reorg")]
    [InlineData("activation")]
    public void Run_HandWrittenCfg_EveryLayerEqualsDarknets(string which)
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given
        string cfg = Write(which);

        // When / Then: the graph output and the layers before it (for reorg and activation: every layer)
        DarknetOutputConformanceTests.Compare(cfg, _folder, output, which switch
        {
            "reorg" => [0, 1, 2, 3, 4, 5, 6],
            "activation" => [0, 1, 2, 3, 4, 5],
            _ => [],
        });
    }

    [Theory]
    [InlineData("tree")]
    [InlineData("reorg")]
    [InlineData("activation")]
    public void Convert_HandWrittenCfgWithDarknetWeights_RoundTripsExactly(string which)
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given
        string cfg = Write(which);
        string weights = _folder.Combine(which + ".weights");
        string[] originalTable = DarknetOracle.TableLines(DarknetOracle.Parse((cfg, weights))[cfg]);

        // When: written next to a copy of the tree, so the written cfg's relative 'tree' resolves too
        string outDir = _folder.Combine("out");
        if (which == "tree")
        {
            _folder.WriteText("out/data/synthetic.tree", SoftmaxTreeTests.SyntheticTree());
        }

        (int code, string stdout, string stderr) = CliRunner.Run("convert", cfg, weights, "--to", "darknet", "-o", outDir);

        // Then
        code.ShouldBe(0, stderr + stdout);
        string writtenCfg = Path.Combine(outDir, Path.GetFileName(cfg));
        DebianCfgConformanceTests.FilesEqual(Path.Combine(outDir, Path.GetFileName(weights)), weights).ShouldBeTrue();
        string written = File.ReadAllText(writtenCfg);
        written.ShouldContain(which switch
        {
            "tree" => "tree=data/synthetic.tree",
            "activation" => "[route]\nlayers=-1,-2\n\n[activation]\nactivation=leaky\n\n[activation]\n\n[activation]\nactivation=logistic\n",
            _ => "extra=3",
        });
        DarknetOracle.TableLines(DarknetOracle.Parse((writtenCfg, null))[writtenCfg]).ShouldBe(originalTable);
        output.WriteLine(string.Join('\n', originalTable));
    }

    private string Write(string which)
    {
        if (which == "tree")
        {
            _folder.WriteText("data/synthetic.tree", SoftmaxTreeTests.SyntheticTree());
            return _folder.WriteText("tree.cfg", TreeCfg);
        }

        return which == "activation" ? _folder.WriteText("activation.cfg", ActivationCfg) : _folder.WriteText("reorg.cfg", ReorgCfg);
    }
}
