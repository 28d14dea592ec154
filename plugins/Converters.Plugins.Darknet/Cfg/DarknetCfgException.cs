using Converters.Abstractions;

namespace Converters.Plugins.Darknet.Cfg;

/// <summary>A problem in a <c>.cfg</c> file, with its line and column.</summary>
public sealed class DarknetCfgException : ModelFormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DarknetCfgException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DarknetCfgException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DarknetCfgException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
