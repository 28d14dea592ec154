namespace Converters.Samples.TextNet;

/// <summary>
/// The limits the TextNet reader enforces, so a small or hostile file cannot make it allocate or
/// work without bound. Each is reported with the line and field that exceeds it.
/// </summary>
public static class TextNetLimits
{
    /// <summary>The largest file read: 512 MiB.</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>The most elements of any tensor or value shape: 2^28.</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>The highest rank of a shape.</summary>
    public const int MaxRank = 8;

    /// <summary>The most values one file may generate from <c>weights seed=</c>: 2^24 (64 MiB of float32).</summary>
    public const long MaxGeneratedValues = 1L << 24;
}
