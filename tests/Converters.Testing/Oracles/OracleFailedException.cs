namespace Converters.Testing.Oracles;

/// <summary>An oracle ran but failed: a non-zero exit code, a timeout, or a missing executable.</summary>
public class OracleFailedException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public OracleFailedException()
        : this("The oracle failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OracleFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public OracleFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
