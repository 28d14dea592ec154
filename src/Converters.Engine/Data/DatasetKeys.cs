namespace Converters.Engine.Data;

/// <summary>
/// The keys every kind shares (split, size, channels, normalisation), and how they turn into a
/// <see cref="SamplePreprocessor"/> and a selection of sample indexes.
/// </summary>
internal static class DatasetKeys
{
    /// <summary>Keys for the sample shape and normalisation.</summary>
    public static readonly string[] Sample = ["n", "size", "channels", "mean", "scale", "order", "letterbox"];

    /// <summary>Keys of a split by fraction.</summary>
    public static readonly string[] FractionSplit = ["split", "train", "seed"];

    /// <summary><see cref="Sample"/> plus <see cref="FractionSplit"/>.</summary>
    public static readonly string[] Common = [.. FractionSplit, .. Sample];

    /// <summary>The default fraction of samples in the train split.</summary>
    public const double DefaultTrainFraction = 0.8;

    /// <summary>
    /// Resolves the sample shape (spec keys, then the model's input shape from
    /// <paramref name="options"/>, then the dataset's native shape) and the normalisation.
    /// </summary>
    public static SamplePreprocessor CreatePreprocessor(DatasetSpecText spec, DatasetOpenOptions options, int nativeChannels, int nativeHeight, int nativeWidth, float defaultScale = 1f / 255f)
    {
        (int Width, int Height)? size = spec.GetSize("size");
        // Non-positive option sizes are dynamic dimensions of the model input: use the native size.
        int width = size?.Width ?? (options.Width is > 0 ? options.Width.Value : nativeWidth);
        int height = size?.Height ?? (options.Height is > 0 ? options.Height.Value : nativeHeight);
        int channels = spec.GetInt("channels", 1, 3) ?? (options.Channels is > 0 ? options.Channels.Value : nativeChannels);
        if (channels is not (1 or 3))
        {
            throw spec.Error("channels", $"the samples must have 1 or 3 channels, but the model input has {channels}; add channels=1 or channels=3 only if the model really takes that");
        }

        float[] mean = PerChannel(spec, "mean", channels, 0f);
        float[] scale = PerChannel(spec, "scale", channels, defaultScale);
        bool bgr = spec.GetChoice("order", "rgb", "bgr") == "bgr";
        bool letterbox = spec.GetChoice("letterbox", "0", "1") == "1";
        return new SamplePreprocessor(channels, height, width, mean, scale, bgr, letterbox);
    }

    /// <summary>
    /// The indexes of the samples to use out of <paramref name="total"/>: all of them, or the
    /// <c>split</c> of a seeded shuffle cut at the <c>train</c> fraction, then the first <c>n</c>.
    /// </summary>
    public static int[] Select(DatasetSpecText spec, int total, bool splitByFraction = true)
    {
        int[] indexes;
        string? split = spec.GetChoice("split", "train", "test");
        if (splitByFraction && split is not null)
        {
            double fraction = spec.GetFraction("train") ?? DefaultTrainFraction;
            ulong seed = spec.GetSeed("seed") ?? 1;
            int[] order = [.. Enumerable.Range(0, total)];
            new SplitMix64(seed).Shuffle(order);
            int trainCount = (int)Math.Round(fraction * total, MidpointRounding.AwayFromZero);
            indexes = split == "train" ? order[..trainCount] : order[trainCount..];
            Array.Sort(indexes);
        }
        else
        {
            if (splitByFraction && spec.Has("train"))
            {
                throw spec.Error("train", "key 'train' needs split=train or split=test");
            }

            indexes = [.. Enumerable.Range(0, total)];
        }

        int? limit = spec.GetInt("n", 1, int.MaxValue);
        return limit is int n && n < indexes.Length ? indexes[..n] : indexes;
    }

    /// <summary>Parses every shared key the spec sets, throwing for the first bad value.</summary>
    public static void Validate(DatasetSpecText spec)
    {
        spec.GetChoice("split", "train", "test");
        spec.GetFraction("train");
        spec.GetSeed("seed");
        spec.GetInt("n", 1, int.MaxValue);
        spec.GetSize("size");
        if (spec.GetInt("channels", 1, 3) == 2)
        {
            throw spec.Error("channels", "key 'channels' must be 1 or 3, got 2");
        }

        spec.GetNumbers("mean");
        spec.GetNumbers("scale");
        spec.GetChoice("order", "rgb", "bgr");
        spec.GetChoice("letterbox", "0", "1");
    }

    /// <summary>Resolves <paramref name="location"/> against the options' base folder.</summary>
    public static string Resolve(DatasetOpenOptions options, string location) =>
        options.BaseDirectory is null || Path.IsPathRooted(location) ? location : Path.Combine(options.BaseDirectory, location);

    /// <summary>The spec's location, which must not be empty.</summary>
    public static string RequireLocation(DatasetSpecText spec, string what)
    {
        if (spec.Location.Length == 0)
        {
            throw spec.Error("location", $"expected {what} after '{spec.Kind}:', found nothing");
        }

        return spec.Location;
    }

    private static float[] PerChannel(DatasetSpecText spec, string key, int channels, float fallback)
    {
        float[]? values = spec.GetNumbers(key);
        if (values is null)
        {
            return [.. Enumerable.Repeat(fallback, channels)];
        }

        if (values.Length == 1)
        {
            return [.. Enumerable.Repeat(values[0], channels)];
        }

        if (values.Length != channels)
        {
            throw spec.Error(key, $"key '{key}' must have 1 or {channels} values (one per channel), got {values.Length}");
        }

        return values;
    }
}
