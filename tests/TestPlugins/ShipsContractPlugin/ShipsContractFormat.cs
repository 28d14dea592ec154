using Converters.Abstractions;
using Converters.Ir;

namespace ShipsContractPlugin;

/// <summary>A format that would work, in a plugin whose folder carries its own copy of the contract.</summary>
public sealed class ShipsContractFormat : IModelFormat
{
    public string Name => "shipscontract";

    public string DisplayName => "Ships its own contract";

    public IReadOnlyList<string> Extensions { get; } = [".ships"];

    public bool CanRead => false;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) => DetectionConfidence.None;

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options) => throw new NotSupportedException();

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException();
}
