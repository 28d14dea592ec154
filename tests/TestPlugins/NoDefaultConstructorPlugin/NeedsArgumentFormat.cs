using Converters.Abstractions;
using Converters.Ir;

namespace NoDefaultConstructorPlugin;

/// <summary>A format the host cannot create: its only constructor takes an argument.</summary>
public sealed class NeedsArgumentFormat : IModelFormat
{
    public NeedsArgumentFormat(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public string DisplayName => "Needs an argument";

    public IReadOnlyList<string> Extensions { get; } = [".needsargument"];

    public bool CanRead => false;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) => DetectionConfidence.None;

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options) => throw new NotSupportedException();

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException();
}
