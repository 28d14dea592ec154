using Converters.Ir.Diagnostics;

namespace Converters.Abstractions;

/// <summary>
/// A model file is malformed or cannot be expressed in a format. Carries the file, the line and
/// column (text) or byte offset (binary), and the field path, rendered by
/// <see cref="InputFormatException.ToDiagnostic"/> as one compiler-style line.
/// </summary>
public class ModelFormatException : InputFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelFormatException()
        : this("The model file is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public ModelFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
