using System.Globalization;
using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Writing;

/// <summary>Writes <c>NAME.cfg</c> and <c>NAME.weights</c>, both or neither.</summary>
internal static class DarknetWriter
{
    public static IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, (int Major, int Minor, int Revision)? version)
    {
        DarknetFork fork = model.Metadata.TryGetValue(DarknetMetadata.Fork, out AttributeValue? f) && f.AsString() == "alexeyab"
            ? DarknetFork.AlexeyAB
            : InferFork(model.Graph);
        (SectionBuilder net, List<ExportedLayer> layers) = DarknetExporter.Export(model, fork);
        WeightsHeader header = Header(model, version, fork);

        using var files = new AtomicFileSet(outputDirectory);
        Stream cfgStream = files.Create(baseName + ".cfg");
        using (var writer = new StreamWriter(cfgStream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.NewLine = "\n";
            WriteSection(writer, net);
            foreach (ExportedLayer layer in layers)
            {
                writer.WriteLine();
                WriteSection(writer, layer.Section);
            }
        }

        Stream weightsStream = files.Create(baseName + ".weights");
        WeightsFile.Write((FileStream)weightsStream, header, [.. layers.SelectMany(l => l.Arrays)]);
        return files.Commit();
    }

    private static void WriteSection(StreamWriter writer, SectionBuilder section)
    {
        writer.WriteLine(section.Header);
        foreach ((string key, string value) in section.Options)
        {
            writer.Write(key);
            writer.Write('=');
            writer.WriteLine(value);
        }
    }

    /// <summary>A model not read from Darknet: AlexeyAB when its batch norms use sqrt(var + eps), else pjreddie.</summary>
    private static DarknetFork InferFork(Graph graph) =>
        graph.Nodes.Any(n => n.OpType == "BatchNormalization" && (!n.Attributes.TryGetValue("epsilon_mode", out AttributeValue? m) || m.AsString() == Ir.Schemas.StandardOps.EpsilonInsideSqrt))
            ? DarknetFork.AlexeyAB
            : DarknetFork.PjReddie;

    private static WeightsHeader Header(Model model, (int Major, int Minor, int Revision)? version, DarknetFork fork)
    {
        long Get(string key, long fallback) => model.Metadata.TryGetValue(key, out AttributeValue? v) ? v.AsInt() : fallback;
        ulong seen = unchecked((ulong)Get(DarknetMetadata.WeightsSeen, 0));
        if (version is { } v)
        {
            int seenBytes = WeightsHeader.SeenBytesFor(v.Major, v.Minor, fork);
            if (seenBytes == 4 && seen > uint.MaxValue)
            {
                throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"--{DarknetFormat.HeaderOption} {v.Major}.{v.Minor}.{v.Revision} stores 'seen' in 32 bits, but it is {seen}")) { FieldPath = DarknetFormat.HeaderOption };
            }

            return new WeightsHeader(v.Major, v.Minor, v.Revision, seen, seenBytes);
        }

        if (!model.Metadata.ContainsKey(DarknetMetadata.WeightsMajor))
        {
            return fork == DarknetFork.AlexeyAB ? new WeightsHeader(0, 2, 5, seen, 8) : WeightsHeader.Default with { Seen = seen };
        }

        return new WeightsHeader(
            (int)Get(DarknetMetadata.WeightsMajor, 0),
            (int)Get(DarknetMetadata.WeightsMinor, 2),
            (int)Get(DarknetMetadata.WeightsRevision, 0),
            seen,
            (int)Get(DarknetMetadata.WeightsSeenBytes, 8));
    }
}
