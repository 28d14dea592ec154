using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet.Cfg;
using Converters.Plugins.Darknet.Mapping;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet;

/// <summary>Reads a cfg (and its weights, if given) into a <see cref="Model"/>.</summary>
internal static class DarknetReader
{
    public static Model Read(string cfgPath, string? weightsPath, DarknetFork fork)
    {
        byte[] bytes = ModelFile.ReadAllBytes(cfgPath, CfgParser.MaxFileBytes, " Is it a .weights file?");

        CfgDocument cfg = CfgParser.Parse(cfgPath, bytes);
        var importer = DarknetImporter.Map(cfg, fork);
        if (weightsPath is null)
        {
            return importer.Complete(null, null);
        }

        (WeightsHeader header, Dictionary<string, TensorData> tensors) = WeightsFile.Read(weightsPath, importer.Slots, fork);
        return importer.Complete(tensors, header);
    }
}
