namespace Converters.Testing.Cli;

/// <summary>What one CLI invocation returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The error output's non-empty lines.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
