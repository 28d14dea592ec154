using Converters.Abstractions;
using Converters.Ir;

namespace QuirkyPlugin;

/// <summary>Claims every set of files by extension, to tie with other formats in detection.</summary>
public sealed class GreedyFormat : IModelFormat
{
    public string Name => "greedy";

    public string DisplayName => "Claims everything";

    public IReadOnlyList<string> Extensions { get; } = [".greedy"];

    public bool CanRead => false;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) => DetectionConfidence.Extension;

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options) => throw new NotSupportedException();

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException();
}
