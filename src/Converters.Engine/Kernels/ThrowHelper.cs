using System.Diagnostics.CodeAnalysis;

namespace Converters.Engine.Kernels;

/// <summary>Out-of-line throws, so kernels stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Argument(string parameter, string message) => throw new ArgumentException($"'{parameter}' {message}.", parameter);
}
