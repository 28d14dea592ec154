using Converters.Abstractions;

namespace Converters.Protobuf.Text;

/// <summary>
/// A problem in a protobuf text-format file (<c>.prototxt</c>, <c>.pbtxt</c>): the message says what was
/// expected and what was found; <see cref="Converters.Ir.Diagnostics.InputFormatException.Line"/>,
/// <see cref="Converters.Ir.Diagnostics.InputFormatException.Column"/> and
/// <see cref="Converters.Ir.Diagnostics.InputFormatException.FieldPath"/> say where.
/// </summary>
public sealed class TextFormatException : ModelFormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TextFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public TextFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="innerException">The low-level cause.</param>
    public TextFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
