namespace Converters.Abstractions;

/// <summary>No loaded format recognises the files, or a format name matches no plugin.</summary>
public sealed class UnknownModelFormatException : ModelFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public UnknownModelFormatException()
        : this("No loaded plugin reads these files.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public UnknownModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public UnknownModelFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
