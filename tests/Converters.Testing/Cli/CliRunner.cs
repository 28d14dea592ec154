using System.Reflection;
using Converters.Cli;
using Converters.Hosting;
using Spectre.Console;

namespace Converters.Testing.Cli;

/// <summary>
/// Runs the <c>converters</c> command in-process with consoles the test can read, and with the bundled
/// plugins of the CLI build (the <c>CliOutputDirectory</c> metadata of this assembly names it).
/// </summary>
public static class CliRunner
{
    /// <summary>The CLI's build output folder (holds plugins/ with the bundled plugins).</summary>
    public static string CliOutputDirectory { get; } = typeof(CliRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CliOutputDirectory").Value!;

    /// <summary>Runs <paramref name="args"/> with the bundled plugins of the CLI build and no environment plugins.</summary>
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole outConsole = Console(output);
        IAnsiConsole errConsole = Console(error);
        var app = new CliApplication(outConsole, errConsole, output, error, new PluginSearchOptions
        {
            BaseDirectory = CliOutputDirectory,
            IncludeEnvironment = false,
        });
        int code = app.Run(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private static IAnsiConsole Console(StringWriter writer)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Wide enough that no table wraps, whatever the length of the paths it shows (the checkout location).
        console.Profile.Width = 1000;
        return console;
    }
}
