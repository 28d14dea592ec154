using Converters.Abstractions;
using Converters.Engine;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Mapping;

/// <summary>
/// [reorg] with <c>extra</c> (go.cfg) and <c>flatten</c>: the IR nodes they become, their values, their
/// errors, and the written cfg. Darknet's own outputs are compared in Conformance/TreeAndReorgConformanceTests.
/// </summary>
public sealed class ReorgMappingTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Cfg(string reorg) => $"""
        [net]
        width=4
        height=4
        channels=8

        [reorg]
        {reorg}

        """;

    [Fact]
    public void Read_ReorgExtra_FlatInputFollowedByZeros()
    {
        // Given: darknet's extra=3 on a 4 x 4 x 8 input
        Model model = Reading.Read(_folder, Cfg("extra=3\nstride=1"));
        float[] x = [.. Enumerable.Range(0, 8 * 4 * 4).Select(i => (i % 7) - 3f)];

        // When
        TensorData y = Run(model, x);

        // Then: Flatten + Pad, the 128 input values in CHW order, then three zeros
        model.Graph.Nodes.Select(n => n.OpType).ShouldBe(["Flatten", "Pad"]);
        y.Shape.ShouldBe(TensorShape.Of(1, 131));
        y.AsSpan<float>()[..128].ToArray().ShouldBe(x);
        y.AsSpan<float>()[128..].ToArray().ShouldBe([0f, 0f, 0f]);
    }

    [Fact]
    public void Read_ReorgFlatten_ChannelsBecomeTheInnermostAxis()
    {
        // Given: flatten=1 stride=2 on 4 x 4 x 8: darknet reads the HWC data as 2 x 2 x 32
        Model model = Reading.Read(_folder, Cfg("flatten=1\nstride=2"));
        float[] x = [.. Enumerable.Range(0, 8 * 4 * 4).Select(i => (float)i)];

        // When
        TensorData y = Run(model, x);

        // Then: output flat index p * 8 + c holds channel c at position p
        y.Shape.ShouldBe(TensorShape.Of(1, 32, 2, 2));
        float[] flat = y.AsSpan<float>().ToArray();
        for (int c = 0; c < 8; c++)
        {
            for (int p = 0; p < 16; p++)
            {
                flat[(p * 8) + c].ShouldBe(x[(c * 16) + p]);
            }
        }
    }

    [Theory]
    [InlineData("flatten=1\nstride=3", "stride", 8, "with flatten=1 the output 1 x 1 x 72 must hold the input's 128 values (darknet would overrun its buffer); the input 4 x 4 x 8 does not divide by stride=3")]
    [InlineData("flatten=1\nextra=2", "extra", 8, "'extra' with 'flatten=1' makes darknet copy 'extra' values past the end of its input; use one or the other")]
    public void Read_ReorgFlattenItCannotReproduce_FailsAtTheKey(string keys, string key, int line, string message)
    {
        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, Cfg(keys));

        // Then
        ex.Line.ShouldBe(line);
        ex.FieldPath.ShouldBe($"[reorg] #0.{key}");
        ex.Message.ShouldBe(message);
    }

    private static TensorData Run(Model model, float[] x) =>
        new InferenceSession(model).Run(new Dictionary<string, TensorData> { ["data"] = TensorData.Create(TensorShape.Of(1, 8, 4, 4), x) }, ["0"])["0"];

    [Theory]
    [InlineData("extra=3\nstride=1")]
    [InlineData("flatten=1\nstride=2")]
    [InlineData("flatten=1\nreverse=1\nstride=2")]
    public void Write_ReorgExtraOrFlatten_WritesTheSectionBack(string keys)
    {
        // Given
        string cfg = Cfg(keys);
        Model model = Reading.Read(_folder, cfg);

        // When
        new DarknetFormat().Write(model, _folder.Combine("out"), "model", FormatOptions.Empty);

        // Then: the same section, key for key
        string written = File.ReadAllText(_folder.Combine("out/model.cfg"));
        written.ShouldContain($"[reorg]\n{keys}\n");
    }
}
