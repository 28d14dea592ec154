using Converters.Ir;

namespace Converters.Plugins.Darknet;

/// <summary>Names of the metadata entries this plugin puts on models and nodes.</summary>
public static class DarknetMetadata
{
    /// <summary>Model: the fork whose semantics the model follows, "pjreddie" or "alexeyab".</summary>
    public const string Fork = "darknet.fork";

    /// <summary>Model: the <c>[net]</c> header as written (<c>[net]</c> or <c>[network]</c>).</summary>
    public const string NetSection = "darknet.net.section";

    /// <summary>Model: the <c>[net]</c> options as "key=value" strings in file order.</summary>
    public const string NetKeys = "darknet.net.keys";

    /// <summary>Model: "present" when a .weights file was read, "absent" when initializers are zeros.</summary>
    public const string Weights = "darknet.weights";

    /// <summary>Model: .weights header major version.</summary>
    public const string WeightsMajor = "darknet.weights.major";

    /// <summary>Model: .weights header minor version.</summary>
    public const string WeightsMinor = "darknet.weights.minor";

    /// <summary>Model: .weights header revision.</summary>
    public const string WeightsRevision = "darknet.weights.revision";

    /// <summary>Model: .weights header images-seen counter.</summary>
    public const string WeightsSeen = "darknet.weights.seen";

    /// <summary>Model: width of <c>seen</c> in bytes (4 or 8).</summary>
    public const string WeightsSeenBytes = "darknet.weights.seen_bytes";

    /// <summary>Node: the cfg layer index (as Darknet prints it) the node was read from.</summary>
    public const string Layer = MetadataKeys.SourceLayer;

    /// <summary>First node of a layer: the section header as written, e.g. <c>[conv]</c>.</summary>
    public const string Section = "darknet.section";

    /// <summary>First node of a layer: the section's options as "key=value" strings in file order.</summary>
    public const string Keys = "darknet.keys";
}
