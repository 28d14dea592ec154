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
    private const string Usage = "usage: compare npy [--repeats N (10)] [--warmup W (2)] [--sizes 1x256x208x208,62001757] [--json OUT]\n       compare engine [--repeats N (10)] [--warmup W (2)] [--nets yolov3-tiny,yolov3] [--json OUT]\n       compare training [--repeats N (3)] [--warmup W (1)] [--json OUT]";

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

        if (args.Length > 0 && args[0] == "training")
        {
            return RunTraining(args, output);
        }

        if (args.Length == 0 || args[0] != "npy")
        {
            output.WriteLine(args.Length == 0 ? "compare: name a comparison." : $"compare: unknown comparison '{args[0]}'; known: 'npy', 'darknet', 'engine', 'training'.");
            output.WriteLine(Usage);
            return 2;
        }

        if (CompareOptions.Parse(args, 1, "--sizes", NpyBenchmarkData.All, Usage, output) is not { } options)
        {
            return 2;
        }

        try
        {
            return options.Finish(NpyComparison.Run(options.List, options.Warmup, options.Repeats, output), output);
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
        if (CompareOptions.Parse(args, 1, "--nets", ["yolov3-tiny", "yolov3"], Usage, output) is not { } options)
        {
            return 2;
        }

        try
        {
            return Engine.EngineComparison.Run([.. options.List], options.Warmup, options.Repeats, options.Json, output);
        }
        catch (OracleFailedException e)
        {
            output.WriteLine($"compare: {e.Message}");
            return 1;
        }
    }

    /// <summary><c>compare training [--repeats N] [--warmup W] [--json OUT]</c> (see <see cref="Training.TrainingComparison"/>).</summary>
    private static int RunTraining(string[] args, TextWriter output)
    {
        if (CompareOptions.Parse(args, 1, "--nets", ["mnist-cnn"], Usage, output) is not { } options)
        {
            return 2;
        }

        try
        {
            bool repeatsGiven = args.Contains("--repeats");
            bool warmupGiven = args.Contains("--warmup");
            return Training.TrainingComparison.Run(warmupGiven ? options.Warmup : 1, repeatsGiven ? options.Repeats : 3, options.Json, output);
        }
        catch (OracleFailedException e)
        {
            output.WriteLine($"compare: {e.Message}");
            return 1;
        }
    }
}
