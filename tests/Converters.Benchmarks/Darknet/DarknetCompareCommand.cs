using Converters.Benchmarks.Comparison;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Darknet;

/// <summary><c>compare darknet [--repeats N] [--warmup W] [--json OUT]</c> (see <see cref="DarknetComparison"/>).</summary>
public static class DarknetCompareCommand
{
    private const string Usage = "usage: compare darknet [--repeats N (10)] [--warmup W (2)] [--json OUT]";

    /// <summary>Runs the comparison with the arguments after <c>compare darknet</c>.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (CompareOptions.Parse(args, 0, null, [], Usage, output) is not { } options)
        {
            return 2;
        }

        try
        {
            return options.Finish(DarknetComparison.Run(options.Warmup, options.Repeats, output), output);
        }
        catch (OracleFailedException e)
        {
            output.WriteLine($"compare: {e.Message}");
            return 1;
        }
    }
}
