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
        byte[] bytes;
        try
        {
            var info = new FileInfo(cfgPath);
            if (info.Exists && info.Length > CfgParser.MaxFileBytes)
            {
                throw new ModelFormatException($"the cfg has {info.Length} bytes; Darknet cfgs are text of at most {CfgParser.MaxFileBytes} bytes. Is it a .weights file?") { FilePath = cfgPath };
            }

            bytes = File.ReadAllBytes(cfgPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;
            throw new ModelFormatException($"cannot read the cfg: {reason}", ex) { FilePath = cfgPath };
        }

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
