namespace Converters.Benchmarks.Comparison;

/// <summary>One line of an oracle comparison: the median time of one operation, ours and the oracle's.</summary>
/// <param name="Operation">What was timed, e.g. <c>read</c>.</param>
/// <param name="Size">The data, e.g. <c>1x256x208x208 float32</c>.</param>
/// <param name="Bytes">The size of the file in bytes.</param>
/// <param name="OursMs">Our median in milliseconds.</param>
/// <param name="OracleMs">The oracle's median in milliseconds, timed inside the oracle's process.</param>
/// <param name="OursSamplesMs">Every timed repetition of ours.</param>
/// <param name="OracleSamplesMs">Every timed repetition of the oracle.</param>
public sealed record ComparisonRow(
    string Operation,
    string Size,
    long Bytes,
    double OursMs,
    double OracleMs,
    IReadOnlyList<double> OursSamplesMs,
    IReadOnlyList<double> OracleSamplesMs)
{
    /// <summary>Ours over the oracle's: below 1 means we are faster.</summary>
    public double Ratio => OursMs / OracleMs;
}
