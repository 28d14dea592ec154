using System.Diagnostics;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

/// <summary>The CLI as users run it: its build output, started as a process, finds the bundled plugins with no flag.</summary>
public sealed class BuildOutputTests
{
    [Fact]
    public void BuiltCli_NoFlags_FindsBundledPluginsAndInspectsSample()
    {
        // Given
        string cli = Path.Combine(CliRunner.CliOutputDirectory, "converters.dll");
        File.Exists(cli).ShouldBeTrue(cli);
        string sample = RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

        // When
        (int pluginsCode, string plugins, _) = Start(cli, "plugins");
        (int inspectCode, string inspect, string inspectError) = Start(cli, "inspect", sample);
        (int badCode, string badOut, string badError) = Start(cli, "inspect", sample + ".missing");

        // Then
        pluginsCode.ShouldBe(0);
        plugins.ShouldContain("textnet: TextNet (.tnet)");
        inspectCode.ShouldBe(0, inspectError);
        inspect.ShouldContain("layers: 19");
        badCode.ShouldBe(2);
        badOut.ShouldBeEmpty();
        badError.Trim().ShouldBe($"error: {sample}.missing: cannot open the file: file not found");
    }

    private static (int Code, string Output, string Error) Start(string cli, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("CONVERTERS_PLUGINS");
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000).ShouldBeTrue("the CLI did not finish in 60 s");
        return (process.ExitCode, output.Result, error.Result);
    }
}
