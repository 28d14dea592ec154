using System.Diagnostics.CodeAnalysis;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>Builds the located <see cref="CheckpointFormatException"/>s of the checkpoint readers at one place.</summary>
internal static class CheckpointThrowHelper
{
    /// <summary>An error at <paramref name="byteOffset"/> of <paramref name="path"/> concerning <paramref name="fieldPath"/>.</summary>
    public static CheckpointFormatException Create(string path, long? byteOffset, string? fieldPath, string message, Exception? inner = null) =>
        new(message, inner) { FilePath = path, ByteOffset = byteOffset, FieldPath = fieldPath };

    /// <summary>Throws <see cref="Create"/>.</summary>
    [DoesNotReturn]
    public static void Throw(string path, long? byteOffset, string? fieldPath, string message) =>
        throw Create(path, byteOffset, fieldPath, message);
}
