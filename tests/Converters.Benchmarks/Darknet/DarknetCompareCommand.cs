using System.Globalization;
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
        int repeats = 10;
        int warmup = 2;
        string? json = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--repeats" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeats) && repeats > 0,
                "--warmup" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out warmup),
                "--json" => (json = value) is not null,
                _ => false,
            };
            if (!ok)
            {
                output.WriteLine($"compare: bad option '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}.");
                output.WriteLine(Usage);
                return 2;
            }

            i++;
        }

        try
        {
            ComparisonReport report = DarknetComparison.Run(warmup, repeats, output);
            output.WriteLine();
            report.WriteTable(output);
            if (json is not null)
            {
                report.WriteJson(json);
                output.WriteLine();
                output.WriteLine($"JSON written to {Path.GetFullPath(json)}");
            }

            return 0;
        }
        catch (OracleFailedException e)
        {
            output.WriteLine($"compare: {e.Message}");
            return 1;
        }
    }
}
