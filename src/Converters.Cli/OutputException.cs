namespace Converters.Cli;

/// <summary>An output file or folder cannot be written (a bad path, no permission, a full disk).</summary>
public sealed class OutputException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public OutputException()
        : this("Cannot write the output.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the I/O error behind it.</summary>
    public OutputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
