namespace Converters.Plugins.Darknet.Cfg;

/// <summary>A parsed <c>.cfg</c>: the <c>[net]</c> section and the layer sections in order.</summary>
internal sealed class CfgDocument
{
    public CfgDocument(string path, CfgSection net, IReadOnlyList<CfgSection> layers)
    {
        Path = path;
        Net = net;
        Layers = layers;
    }

    public string Path { get; }

    public CfgSection Net { get; }

    public IReadOnlyList<CfgSection> Layers { get; }
}
