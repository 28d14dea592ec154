using System.Diagnostics;
using Converters.Engine.Kernels;

namespace Converters.Engine.Diagnostics;

/// <summary>
/// Measures what the engine's SGEMM reaches on this machine, so a model's GFLOP/s can be read
/// against the hardware rather than against a number from somewhere else.
/// </summary>
public static class GemmPeak
{
    /// <summary>
    /// Multiplies two <paramref name="size"/>² matrices (A packed beforehand, as convolution weights
    /// are; B packing included) <paramref name="repeats"/> times on up to <paramref name="threads"/>
    /// threads after one warm-up, and returns the best rate in GFLOP/s (2·n³ per product).
    /// </summary>
    /// <param name="threads">Threads to use; at least 1.</param>
    /// <param name="size">The matrix order; at least 64.</param>
    /// <param name="repeats">Timed products; at least 1.</param>
    public static double Measure(int threads, int size = 1024, int repeats = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);

        int n = size;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        var random = new Random(1);
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(random.NextDouble() - 0.5);
            b[i] = (float)(random.NextDouble() - 0.5);
        }

        float[] packed = new float[Sgemm.PackedASize(n, n)];
        Sgemm.PackA(a, n, transA: false, n, n, packed);
        double best = double.MaxValue;
        for (int r = -1; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Multiply(packed, b, c, n, threads);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r >= 0)
            {
                best = Math.Min(best, seconds);
            }
        }

        return 2.0 * n * n * (double)n / best / 1e9;
    }

    private static unsafe void Multiply(float[] packed, float[] b, float[] c, int n, int threads)
    {
        fixed (float* pb = b)
        {
            Sgemm.Multiply(packed, n, n, n, new DenseSource(pb, n, transposed: false), c, n, accumulate: false, threads);
        }
    }
}
