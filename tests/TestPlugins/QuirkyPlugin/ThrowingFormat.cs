using Converters.Abstractions;
using Converters.Ir;

namespace QuirkyPlugin;

/// <summary>Breaks the Detect contract by throwing; the host must treat it as no match.</summary>
public sealed class ThrowingFormat : IModelFormat
{
    public string Name => "throwing";

    public string DisplayName => "Throws from Detect";

    public IReadOnlyList<string> Extensions { get; } = [".throwing"];

    public bool CanRead => false;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) =>
        throw new InvalidOperationException("ThrowingFormat.Detect always throws.");

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options) => throw new NotSupportedException();

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException();
}
