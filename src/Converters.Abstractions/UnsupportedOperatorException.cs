namespace Converters.Abstractions;

/// <summary>
/// A valid file uses an operator (a layer type, a TF op, an IR op on write) the format plugin does
/// not support. The message names the op and lists the supported ones.
/// </summary>
public sealed class UnsupportedOperatorException : ModelFormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public UnsupportedOperatorException()
        : this("The operator is not supported.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public UnsupportedOperatorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public UnsupportedOperatorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the standard message: <c>unsupported op 'X'; supported: A, B, C</c>.</summary>
    public UnsupportedOperatorException(string operatorName, IEnumerable<string> supported)
        : base($"unsupported operator '{operatorName}'; supported: {string.Join(", ", supported)}")
    {
        OperatorName = operatorName;
    }

    /// <summary>The operator that is not supported.</summary>
    public string? OperatorName { get; init; }
}
