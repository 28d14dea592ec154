namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Splits work over threads in a fixed way: <c>count</c> items into at most <c>threads</c>
/// contiguous ranges of equal size, so every thread count gives the same partition and kernels
/// that write disjoint ranges stay deterministic.
/// </summary>
internal static class TrainingParallel
{
    /// <summary>Work (element operations) below which one thread does everything.</summary>
    public const long MinimumParallelWork = 1 << 16;

    /// <summary>Runs <paramref name="body"/>(start, end) over a fixed split of [0, count).</summary>
    public static void For(int count, int threads, long work, Action<int, int> body)
    {
        int parts = work < MinimumParallelWork ? 1 : Math.Min(Math.Max(1, threads), count);
        if (parts <= 1)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int start = (int)((long)count * part / parts);
            int end = (int)((long)count * (part + 1) / parts);
            body(start, end);
        });
    }
}
