using System.Globalization;
using Converters.Benchmarks.Npy;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Comparison;

/// <summary>
/// <c>compare npy [--repeats N] [--warmup W] [--sizes S1,S2] [--json OUT]</c>: times ours and the
/// oracle in one run on this machine, prints a table of medians and ratios, and writes the same
/// as JSON. Exit codes: 0 ok, 2 bad arguments, 1 the oracle is missing or failed.
/// </summary>
public static class CompareCommand
{
    private const string Usage = "usage: compare npy [--repeats N (10)] [--warmup W (2)] [--sizes 1x256x208x208,62001757] [--json OUT]\n       compare engine [--repeats N (10)] [--warmup W (2)] [--nets yolov3-tiny,yolov3] [--json OUT]";

    /// <summary>Runs the command with <paramref name="args"/> (after <c>compare</c>).</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length > 0 && args[0] == "darknet")
        {
            return Darknet.DarknetCompareCommand.Run(args[1..], output);
        }

        if (args.Length > 0 && args[0] == "engine")
        {
            return RunEngine(args, output);
        }

        if (args.Length == 0 || args[0] != "npy")
        {
            output.WriteLine(args.Length == 0 ? "compare: name a comparison." : $"compare: unknown comparison '{args[0]}'; known: 'npy', 'darknet', 'engine'.");
            output.WriteLine(Usage);
            return 2;
        }

        int repeats = 10;
        int warmup = 2;
        string? json = null;
        IReadOnlyList<string> sizes = NpyBenchmarkData.All;
        for (int i = 1; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--repeats" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeats) && repeats > 0,
                "--warmup" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out warmup),
                "--json" => (json = value) is not null,
                "--sizes" => value is not null && (sizes = value.Split(',', StringSplitOptions.RemoveEmptyEntries)).Count > 0,
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
            ComparisonReport report = NpyComparison.Run(sizes, warmup, repeats, output);
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

    /// <summary><c>compare engine [--repeats N] [--warmup W] [--nets yolov3-tiny,yolov3] [--json OUT]</c> (see <see cref="Engine.EngineComparison"/>).</summary>
    private static int RunEngine(string[] args, TextWriter output)
    {
        int repeats = 10;
        int warmup = 2;
        string? json = null;
        string[] nets = ["yolov3-tiny", "yolov3"];
        for (int i = 1; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--repeats" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeats) && repeats > 0,
                "--warmup" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out warmup),
                "--json" => (json = value) is not null,
                "--nets" => value is not null && (nets = value.Split(',', StringSplitOptions.RemoveEmptyEntries)).Length > 0,
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
            return Engine.EngineComparison.Run(nets, warmup, repeats, json, output);
        }
        catch (OracleFailedException e)
        {
            output.WriteLine($"compare: {e.Message}");
            return 1;
        }
    }
}
