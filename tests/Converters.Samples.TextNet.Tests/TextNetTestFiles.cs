using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Samples.TextNet.Tests;

/// <summary>The shipped samples (copied next to the tests) and a way to read TextNet text written to a temporary file.</summary>
internal static class TextNetTestFiles
{
    public static string TinyCnnPath { get; } = Path.Combine(AppContext.BaseDirectory, "Samples", "tiny-cnn.tnet");

    public static string TinySegPath { get; } = Path.Combine(AppContext.BaseDirectory, "Samples", "tiny-seg.tnet");

    public static Model Read(string path) => new TextNetFormat().Read([ModelFile.Open(path)], FormatOptions.Empty);

    /// <summary>Writes <paramref name="text"/> to <c>model.tnet</c> in <paramref name="folder"/> and reads it.</summary>
    public static Model ReadText(TempDirectory folder, string text) => Read(folder.WriteText("model.tnet", text));
}
