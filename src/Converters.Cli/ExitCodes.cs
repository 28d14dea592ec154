namespace Converters.Cli;

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Something went wrong that is not the user's input: a bug, or the machine failed.</summary>
    public const int InternalError = 1;

    /// <summary>The input was bad: a malformed file, a missing file, a bad option. One line says what and where.</summary>
    public const int BadInput = 2;
}
