namespace Converters.Plugins.Darknet;

/// <summary>The Darknet implementation whose semantics a model follows.</summary>
public enum DarknetFork
{
    /// <summary>pjreddie/darknet (Debian's darknet): BN divides by sqrt(var) + 1e-6.</summary>
    PjReddie,

    /// <summary>AlexeyAB/darknet: BN divides by sqrt(var + 1e-5); [batchnorm] stores biases.</summary>
    AlexeyAB,
}
