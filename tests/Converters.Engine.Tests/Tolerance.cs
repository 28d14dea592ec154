namespace Converters.Engine.Tests;

/// <summary>
/// The comparison used throughout: relative max error = max|a - b| / max(max|b|, 1e-6), b the reference.
/// </summary>
internal static class Tolerance
{
    public static double RelativeMaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        actual.Length.ShouldBe(expected.Length);
        double diff = 0, scale = 1e-6;
        for (int i = 0; i < actual.Length; i++)
        {
            if (float.IsNaN(actual[i]) != float.IsNaN(expected[i]))
            {
                return double.PositiveInfinity;
            }

            if (float.IsNaN(expected[i]) || actual[i] == expected[i])
            {
                scale = Math.Max(scale, float.IsNaN(expected[i]) ? 0 : Math.Abs(expected[i]));
                continue;
            }

            diff = Math.Max(diff, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return diff / scale;
    }

    public static void ShouldMatch(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance = 1e-5, string? what = null)
    {
        double e = RelativeMaxError(actual, expected);
        e.ShouldBeLessThanOrEqualTo(tolerance, $"{what}: relative max error {e:E3}");
    }

    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)((r.NextDouble() * 2) - 1) * scale;
        }

        return a;
    }
}
