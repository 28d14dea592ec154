using Converters.Ir.Diagnostics;

namespace Converters.Engine.Data;

/// <summary>
/// A dataset spec or a dataset file is malformed: carries the file (<see cref="InputFormatException.FilePath"/>),
/// the 1-based <see cref="InputFormatException.Line"/> of a text file or the 0-based
/// <see cref="InputFormatException.ByteOffset"/> of a binary file, and the spec key or file field
/// (<see cref="InputFormatException.FieldPath"/>); the one-line message says what was expected and what was found.
/// </summary>
public class DatasetException : InputFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public DatasetException()
        : this("The dataset is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public DatasetException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
