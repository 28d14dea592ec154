using System.Diagnostics;

namespace Converters.Benchmarks.Comparison;

/// <summary>Warm-up, timed repetitions and the median, the same way on our side as in the oracle scripts.</summary>
public static class Timing
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then
    /// <paramref name="repeats"/> times timed; a full garbage collection runs before each
    /// repetition, outside the timing, as the oracle frees the previous array before its next one.
    /// </summary>
    /// <returns>Each timed repetition in milliseconds.</returns>
    public static double[] Measure(int warmup, int repeats, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var samples = new double[repeats];
        for (int i = 0; i < warmup + repeats; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long start = Stopwatch.GetTimestamp();
            action();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= warmup)
            {
                samples[i - warmup] = ms;
            }
        }

        return samples;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        double[] sorted = [.. samples.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
