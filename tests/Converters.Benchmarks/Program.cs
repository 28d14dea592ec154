using BenchmarkDotNet.Running;
using Converters.Benchmarks.Comparison;

namespace Converters.Benchmarks;

/// <summary>
/// Two modes (docs/PERFORMANCE.md):
/// <c>dotnet run -c Release --project tests/Converters.Benchmarks -- --filter '*Npy*'</c> runs
/// BenchmarkDotNet; <c>… -- compare npy [--repeats N] [--warmup W] [--json OUT]</c> times ours
/// against the oracle in one run and prints the ratios.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare")
        {
            return CompareCommand.Run(args[1..], Console.Out);
        }

        if (args.Length == 3 && args[0] == Darknet.DarknetFreshProcessRead.Command)
        {
            return Darknet.DarknetFreshProcessRead.RunInThisProcess(args[1], args[2], Console.Out);
        }

        if (args.Length == 2 && args[0] == FreshProcessRead.Command)
        {
            return FreshProcessRead.RunInThisProcess(args[1], Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
