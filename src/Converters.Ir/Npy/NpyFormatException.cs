using Converters.Ir.Diagnostics;

namespace Converters.Ir.Npy;

/// <summary>
/// A NumPy <c>.npy</c> file is malformed or holds something the IR cannot store. Carries the file,
/// the 0-based <see cref="InputFormatException.ByteOffset"/> of the fault and the
/// <see cref="InputFormatException.FieldPath"/> in the file's own terms (<c>magic</c>,
/// <c>version</c>, <c>header_len</c>, <c>header</c>, <c>header.descr</c>, <c>header.shape[2]</c>,
/// <c>data</c>); the message says what was expected and what was found.
/// </summary>
public class NpyFormatException : InputFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public NpyFormatException()
        : this("The .npy file is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public NpyFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
