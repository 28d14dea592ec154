using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;
using Converters.Testing.Cli;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// Against Debian's darknet, for every eligible cfg it ships (at a 64 x 64 input): darknet's own random
/// weights go through <c>converters convert --to darknet</c> byte for byte, darknet parses the written
/// cfg to the same layer table, and our output shapes equal darknet's.
/// </summary>
public sealed class DebianCfgConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Cfgs => DebianCfgs.Names();

    [Theory]
    [MemberData(nameof(Cfgs))]
    public void Convert_DebianCfgWithDarknetWeights_RoundTripsExactly(string name)
    {
        if (!DarknetOracle.Require(output))
        {
            return;
        }

        // Given: a small copy of the cfg and weights initialised and saved by darknet itself
        string cfg = DebianCfgs.SmallCopy(_folder, name, DebianCfgs.SizeFor(name));
        string weights = _folder.Combine(Path.ChangeExtension(name, ".weights"));
        string[] originalTable = DarknetOracle.TableLines(DarknetOracle.Parse((cfg, weights))[cfg]);

        // When: converted to darknet by the CLI
        string outDir = _folder.Combine("out");
        (int code, string stdout, string stderr) = CliRunner.Run("convert", cfg, weights, "--to", "darknet", "-o", outDir);

        // Then: the .weights is byte-identical and darknet prints the same table for the written cfg
        code.ShouldBe(0, stderr + stdout);
        string writtenCfg = Path.Combine(outDir, Path.GetFileName(cfg));
        string writtenWeights = Path.Combine(outDir, Path.GetFileName(weights));
        FilesEqual(writtenWeights, weights).ShouldBeTrue($"{writtenWeights} differs from darknet's {weights}");
        string[] writtenTable = DarknetOracle.TableLines(DarknetOracle.Parse((writtenCfg, null))[writtenCfg]);
        writtenTable.ShouldBe(originalTable);

        // And: our output shape of every layer equals darknet's printed one
        Model model = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);
        Ir.Schemas.ShapeInference.Run(model.Graph);
        Dictionary<int, (int W, int H, int C)> expected = DarknetTable.OutputShapes(originalTable);
        int compared = 0;
        foreach ((int layer, (int w, int h, int c)) in expected)
        {
            TensorShape ours = model.Graph.FindValue(layer.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Shape;
            if (w == 0)
            {
                ours.ElementCount.ShouldBe(c, $"layer {layer}: {ours}");
            }
            else
            {
                ours.ShouldBe(TensorShape.Of(1, c, h, w), $"layer {layer}");
            }

            compared++;
        }

        int layers = model.Graph.Nodes.Select(n => n.Metadata[DarknetMetadata.Layer].AsInt()).Distinct().Count();
        originalTable.Count(l => l.Length > 5 && char.IsDigit(l.TrimStart()[0]) && l.TrimStart().Split(' ')[0].All(char.IsDigit)).ShouldBeGreaterThanOrEqualTo(layers);
        output.WriteLine($"{name}: {layers} layers, weights {new FileInfo(weights).Length:N0} bytes identical, table of {originalTable.Length} lines identical, {compared} output shapes equal darknet's");
    }

    internal static bool FilesEqual(string left, string right)
    {
        using FileStream a = File.OpenRead(left);
        using FileStream b = File.OpenRead(right);
        if (a.Length != b.Length)
        {
            return false;
        }

        byte[] x = new byte[1 << 20];
        byte[] y = new byte[1 << 20];
        int n;
        while ((n = a.ReadAtLeast(x, x.Length, throwOnEndOfStream: false)) > 0)
        {
            b.ReadExactly(y, 0, n);
            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
            {
                return false;
            }
        }

        return true;
    }
}
