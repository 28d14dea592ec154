using Converters.Ir.Diagnostics;

namespace Converters.Pruning.Configuration;

/// <summary>A pruning config is malformed: carries the file, line, column and key.</summary>
public class PruningConfigException : InputFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public PruningConfigException()
        : this("The pruning config is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public PruningConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public PruningConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
