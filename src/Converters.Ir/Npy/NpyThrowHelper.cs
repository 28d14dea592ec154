using System.Diagnostics.CodeAnalysis;

namespace Converters.Ir.Npy;

/// <summary>Builds and throws <see cref="NpyFormatException"/>s with their location filled in.</summary>
internal static class NpyThrowHelper
{
    /// <summary>An exception at <paramref name="byteOffset"/> in field <paramref name="fieldPath"/>.</summary>
    public static NpyFormatException Create(string? filePath, long byteOffset, string fieldPath, string message) =>
        new(message)
        {
            FilePath = filePath,
            ByteOffset = byteOffset,
            FieldPath = fieldPath,
        };

    /// <summary>Throws an exception at <paramref name="byteOffset"/> in field <paramref name="fieldPath"/>.</summary>
    [DoesNotReturn]
    public static void Throw(string? filePath, long byteOffset, string fieldPath, string message) =>
        throw Create(filePath, byteOffset, fieldPath, message);
}
