using System.Diagnostics;
using Converters.Engine.Kernels;
using Xunit.Abstractions;

namespace Converters.Engine.Tests;

/// <summary>
/// Re-runs the <c>Kernel</c> tests in child processes with AVX-512 disabled (<c>DOTNET_EnableAVX512=0</c>,
/// the .NET 10 knob) and with all hardware intrinsics disabled (<c>DOTNET_EnableHWIntrinsic=0</c>), so
/// the Vector256 and scalar micro-kernels are checked against the references on every run. The child
/// is <c>dotnet test</c> on this already built assembly (about 4 s each).
/// </summary>
public class SimdTierTests(ITestOutputHelper output)
{
    private const string ChildVariable = "CONVERTERS_ENGINE_EXPECTED_TIER";

    [Fact]
    [Trait("Category", "Kernel")]
    public void ThisProcess_RunsTheExpectedTier()
    {
        string? expected = Environment.GetEnvironmentVariable(ChildVariable);
        if (expected is null)
        {
            output.WriteLine($"tier {SimdTiers.Current}, GEMM tile {Sgemm.MR}x{Sgemm.NR}");
            return;
        }

        SimdTiers.Current.ToString().ShouldBe(expected);
    }

    [Theory]
    [InlineData("DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public async Task KernelTests_PassWithIsaDisabled(string knob)
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) is not null)
        {
            return;
        }

        SimdTier expected = knob == "DOTNET_EnableHWIntrinsic" ? SimdTier.Scalar
            : SimdTiers.Current == SimdTier.Vector512 ? SimdTier.Vector256 : SimdTiers.Current;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "test", typeof(SimdTierTests).Assembly.Location, "--filter", "Category=Kernel" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[knob] = "0";
        start.Environment[ChildVariable] = expected.ToString();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the {knob}=0 child run did not finish in 3 minutes");
        }

        string log = await stdout + await stderr;
        output.WriteLine(log);
        process.ExitCode.ShouldBe(0, $"{knob}=0 run failed:\n{log}");
        log.ShouldContain("Passed!");
    }
}
