using Converters.Abstractions;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// A problem in a TensorFlow V2 checkpoint (<c>.index</c> table, <c>.data-*</c> shard or
/// <c>checkpoint</c> state file), with the file, the byte offset and the block or tensor concerned.
/// </summary>
public sealed class CheckpointFormatException : ModelFormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CheckpointFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CheckpointFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
