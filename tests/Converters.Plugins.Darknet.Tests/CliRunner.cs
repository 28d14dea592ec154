using System.Reflection;
using Converters.Cli;
using Converters.Hosting;
using Spectre.Console;

namespace Converters.Plugins.Darknet.Tests;

/// <summary>Runs the <c>converters</c> command in-process with the CLI's bundled plugins (this plugin among them).</summary>
internal static class CliRunner
{
    public static string CliOutputDirectory { get; } = typeof(CliRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CliOutputDirectory").Value!;

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var app = new CliApplication(Console(output), Console(error), output, error, new PluginSearchOptions
        {
            BaseDirectory = CliOutputDirectory,
            IncludeEnvironment = false,
        });
        int code = app.Run(args);
        return (code, output.ToString(), error.ToString());
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
        console.Profile.Width = 250;
        return console;
    }
}
