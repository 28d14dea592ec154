namespace Converters.Plugins.Darknet.Mapping;

/// <summary>A layer's output as Darknet sees it (W x H x C); flat outputs (connected) are rank 2 in the IR.</summary>
internal readonly record struct DarknetShape(int W, int H, int C, bool Flat)
{
    public long Elements => (long)W * H * C;
}
