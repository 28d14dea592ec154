using Converters.Ir.Diagnostics;

namespace Converters.Pruning.Planning;

/// <summary>
/// A pruning plan file is malformed or does not fit the model: carries the file, the 0-based
/// <see cref="InputFormatException.ByteOffset"/> of the offending token and the JSON path
/// (<see cref="InputFormatException.FieldPath"/>, e.g. <c>groups[3].kept[7]</c>).
/// </summary>
public class PruningPlanException : InputFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public PruningPlanException()
        : this("The pruning plan is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public PruningPlanException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public PruningPlanException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
