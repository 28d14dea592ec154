using Converters.Abstractions;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>A problem in a protobuf text file (<c>.prototxt</c>), with its line, column and field path.</summary>
public sealed class PrototxtException : ModelFormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PrototxtException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PrototxtException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PrototxtException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
