using Converters.Ir;

namespace Converters.Benchmarks.Npy;

/// <summary>The float32 volumes the npy benchmarks read and write.</summary>
public static class NpyBenchmarkData
{
    /// <summary>A mid-network YOLOv3 activation, 1x256x208x208 (44.3 MB).</summary>
    public const string Activation = "1x256x208x208";

    /// <summary>
    /// The float count of Darknet's yolov3.weights: 248,007,048 bytes minus the 20-byte header,
    /// over 4 (248.0 MB).
    /// </summary>
    public const string Yolov3Weights = "62001757";

    /// <summary>Both sizes, smaller first.</summary>
    public static IReadOnlyList<string> All { get; } = [Activation, Yolov3Weights];

    /// <summary>Parses <c>1x256x208x208</c>.</summary>
    public static TensorShape ParseShape(string text) =>
        new(text.Split('x').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A float32 tensor of <paramref name="shape"/> with seeded uniform values in [-1, 1).</summary>
    public static TensorData Create(string shape, int seed = 20240601)
    {
        TensorData tensor = TensorData.Zeros(DataType.Float32, ParseShape(shape));
        var random = new Random(seed);
        Span<float> values = tensor.AsSpan<float>();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return tensor;
    }

    /// <summary><c>44.3 MB</c> (decimal megabytes).</summary>
    public static string FormatBytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");
}
