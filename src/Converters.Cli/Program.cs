using Spectre.Console;

namespace Converters.Cli;

/// <summary>The entry point of the <c>converters</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static int Main(string[] args)
    {
        IAnsiConsole output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        IAnsiConsole error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Diagnostics are single lines that scripts and editors parse: never wrap them.
        error.Profile.Width = 4096;
        if (Console.IsOutputRedirected)
        {
            // Tables written to a file or a pipe should not wrap at the 80-column default.
            output.Profile.Width = 200;
        }

        var app = new CliApplication(output, error, Console.Out, Console.Error);
        return app.Run(args);
    }
}
