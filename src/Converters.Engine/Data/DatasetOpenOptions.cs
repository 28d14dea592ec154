namespace Converters.Engine.Data;

/// <summary>
/// What the caller knows when it opens a dataset: the model's input shape (used when the spec has
/// no <c>size</c> or <c>channels</c> key; a null or non-positive value, such as a dynamic
/// dimension, means "use the dataset's own") and the folder relative locations are resolved against.
/// </summary>
public sealed record DatasetOpenOptions
{
    /// <summary>The model's input channels, used when the spec has no <c>channels</c> key.</summary>
    public int? Channels { get; init; }

    /// <summary>The model's input height, used when the spec has no <c>size</c> key.</summary>
    public int? Height { get; init; }

    /// <summary>The model's input width, used when the spec has no <c>size</c> key.</summary>
    public int? Width { get; init; }

    /// <summary>The folder relative locations in the spec are resolved against (default: the current directory).</summary>
    public string? BaseDirectory { get; init; }
}
