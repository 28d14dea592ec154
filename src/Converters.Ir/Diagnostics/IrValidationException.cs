namespace Converters.Ir.Diagnostics;

/// <summary>
/// A graph breaks an IR rule: a shape that cannot be inferred, an attribute of the wrong type, a
/// value used before it is defined. The message names the node and, where one is at fault, the
/// attribute: <c>Conv 'conv12': attribute 'group'=3 does not divide input channels 64</c>.
/// </summary>
public class IrValidationException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public IrValidationException()
        : this("The graph is not valid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public IrValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public IrValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The node at fault, if one is.</summary>
    public string? NodeName { get; init; }

    /// <summary>The op type of the node at fault.</summary>
    public string? OpType { get; init; }

    /// <summary>The attribute at fault, if one is.</summary>
    public string? AttributeName { get; init; }
}
