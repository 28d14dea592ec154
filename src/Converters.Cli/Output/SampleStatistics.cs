namespace Converters.Cli.Output;

/// <summary>Order statistics of a set of timings.</summary>
/// <param name="Median">The median (mean of the middle two for an even count).</param>
/// <param name="Min">The smallest sample.</param>
/// <param name="Max">The largest sample.</param>
/// <param name="MedianAbsoluteDeviation">The median of |sample − median|, a spread that one outlier does not move.</param>
internal readonly record struct SampleStatistics(double Median, double Min, double Max, double MedianAbsoluteDeviation)
{
    /// <summary>The statistics of <paramref name="samples"/> (at least one).</summary>
    public static SampleStatistics Of(IReadOnlyCollection<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        double median = MedianOfSorted(sorted);
        double[] deviations = [.. sorted.Select(s => Math.Abs(s - median)).Order()];
        return new SampleStatistics(median, sorted[0], sorted[^1], MedianOfSorted(deviations));
    }

    private static double MedianOfSorted(double[] sorted)
    {
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
