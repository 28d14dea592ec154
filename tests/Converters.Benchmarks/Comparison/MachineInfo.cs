using System.Runtime.InteropServices;

namespace Converters.Benchmarks.Comparison;

/// <summary>The machine a comparison ran on.</summary>
/// <param name="CpuModel">The first <c>model name</c> in /proc/cpuinfo.</param>
/// <param name="LogicalCores">What <c>nproc</c> reports.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="TimestampUtc">When the run started.</param>
public sealed record MachineInfo(string CpuModel, int LogicalCores, string Os, string Runtime, DateTimeOffset TimestampUtc)
{
    /// <summary>This machine, now.</summary>
    public static MachineInfo Current() =>
        new(ReadCpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, DateTimeOffset.UtcNow);

    private static string ReadCpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        foreach (string line in File.ReadLines(CpuInfo))
        {
            if (line.StartsWith("model name", StringComparison.Ordinal))
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
