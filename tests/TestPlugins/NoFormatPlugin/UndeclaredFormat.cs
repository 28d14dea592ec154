using Converters.Abstractions;
using Converters.Ir;

namespace NoFormatPlugin;

/// <summary>A valid format that no attribute declares: the host must not find it by scanning types.</summary>
public sealed class UndeclaredFormat : IModelFormat
{
    public string Name => "undeclared";

    public string DisplayName => "Undeclared";

    public IReadOnlyList<string> Extensions { get; } = [".undeclared"];

    public bool CanRead => false;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) => DetectionConfidence.Content;

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options) => throw new NotSupportedException();

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException();
}
