using System.Diagnostics;

namespace Converters.Benchmarks.Comparison;

/// <summary>Warm-up, timed repetitions and the median, the same way on our side as in the oracle scripts.</summary>
public static partial class Timing
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then
    /// <paramref name="repeats"/> times timed; a full garbage collection runs before each
    /// repetition, outside the timing, as the oracle frees the previous array before its next one.
    /// </summary>
    /// <param name="warmup">Untimed runs first.</param>
    /// <param name="repeats">Timed runs.</param>
    /// <param name="action">The work timed.</param>
    /// <param name="before">Run before each repetition, outside the timing (e.g. <see cref="FlushDirtyPages"/>).</param>
    /// <returns>Each timed repetition in milliseconds.</returns>
    public static double[] Measure(int warmup, int repeats, Action action, Action? before = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        var samples = new double[repeats];
        for (int i = 0; i < warmup + repeats; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            before?.Invoke();
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

    /// <summary>
    /// Writes every dirty page of the page cache to disk (libc <c>sync</c>), so that each timed write
    /// starts from the same state: otherwise the kernel's write-back of earlier repetitions (hundreds of
    /// megabytes each) throttles the later ones at random.
    /// </summary>
    public static void FlushDirtyPages()
    {
        if (OperatingSystem.IsLinux())
        {
            NativeMethods.Sync();
        }
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

    private static partial class NativeMethods
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "sync")]
        internal static partial void Sync();
    }
}
