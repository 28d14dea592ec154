namespace Converters.Ir;

/// <summary>Metadata keys with a meaning shared by every format, so tools can use them without knowing the format.</summary>
public static class MetadataKeys
{
    /// <summary>
    /// Node: the index (int) of the layer of the source file the node was read from, for formats
    /// whose layers expand to several IR nodes (a Darknet convolutional layer is Conv, BatchNormalization
    /// and an activation). Numbered as the source framework prints its layers.
    /// </summary>
    public const string SourceLayer = "source.layer";
}
