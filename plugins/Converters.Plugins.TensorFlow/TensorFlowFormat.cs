using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Writing;

namespace Converters.Plugins.TensorFlow;

/// <summary>
/// TensorFlow 1.x: a GraphDef, binary (<c>.pb</c>) or protobuf text format (<c>.pbtxt</c>), frozen (Const weights) or
/// with variables whose values come from a V2 checkpoint.
/// The format as supported is specified in <c>formats/tensorflow/README.md</c>.
/// </summary>
public sealed class TensorFlowFormat : IModelFormat
{
    /// <summary>The format's short name.</summary>
    public const string FormatName = "tensorflow";

    /// <summary>Write option: write an unfrozen GraphDef (VariableV2 + Identity reads) and its weights as a V2 checkpoint.</summary>
    public const string CheckpointOption = "tf-checkpoint";

    /// <summary>Write option: write the GraphDef as protobuf text (<c>.pbtxt</c>) instead of binary (<c>.pb</c>).</summary>
    public const string TextOption = "tf-text";

    /// <inheritdoc/>
    public string Name => FormatName;

    /// <inheritdoc/>
    public string DisplayName => "TensorFlow (.pb, .pbtxt)";

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [".pb", ".pbtxt"];

    /// <inheritdoc/>
    public bool CanRead => true;

    /// <inheritdoc/>
    public bool CanWrite => true;

    /// <inheritdoc/>
    public IReadOnlyList<FormatOption> Options { get; } =
    [
        new(TextOption, "Write the GraphDef as protobuf text (<name>.pbtxt) instead of binary (<name>.pb)."),
        new(CheckpointOption, "Write an unfrozen GraphDef (weights as VariableV2) plus <name>.ckpt.index, <name>.ckpt.data-00000-of-00001 and 'checkpoint'."),
    ];

    /// <summary>
    /// <see cref="DetectionConfidence.Content"/> for one <c>.pbtxt</c> starting with <c>node {</c>, or one <c>.pb</c>
    /// whose first byte is the tag of GraphDef field 1 (node, length-delimited, 0x0A), optionally with one checkpoint file
    /// (<c>.index</c>, <c>.data-NNNNN-of-NNNNN</c> or <c>checkpoint</c>); <see cref="DetectionConfidence.Extension"/>
    /// otherwise for those extensions.
    /// </summary>
    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files is null || files.Count is 0 or > 2)
        {
            return DetectionConfidence.None;
        }

        ModelFile[] graphs = [.. files.Where(f => f.Extension is ".pb" or ".pbtxt")];
        if (graphs.Length != 1 || (files.Count == 2 && !GraphDefReader.IsCheckpointFile(files.First(f => f != graphs[0]).Path)))
        {
            return DetectionConfidence.None;
        }

        ModelFile file = graphs[0];
        ReadOnlySpan<byte> header = file.Header.Span;
        return file.Extension switch
        {
            ".pb" => header.Length > 1 && header[0] == 0x0A ? DetectionConfidence.Content : DetectionConfidence.Extension,
            _ => GraphDefReader.LooksLikeText(header) ? DetectionConfidence.Content : DetectionConfidence.Extension,
        };
    }

    /// <inheritdoc/>
    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        ModelFile[] graphs = [.. files.Where(f => f.Extension is ".pb" or ".pbtxt")];
        ModelFile[] checkpoints = [.. files.Where(f => graphs.Length == 1 && f != graphs[0] && GraphDefReader.IsCheckpointFile(f.Path))];
        if (graphs.Length != 1 || checkpoints.Length + 1 != files.Count)
        {
            throw new ModelFormatException($"TensorFlow reads one GraphDef (.pb or .pbtxt) and optionally its checkpoint (.index, .data-00000-of-00001 or the 'checkpoint' file), got: {string.Join(", ", files.Select(f => f.Path))}")
            {
                FilePath = files.Count > 0 ? files[0].Path : null,
            };
        }

        return GraphDefReader.Read(graphs[0].Path, checkpoints.Length == 1 ? checkpoints[0].Path : null);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return TensorFlowWriter.Write(model, outputDirectory, baseName, options.IsSet(TextOption), options.IsSet(CheckpointOption));
    }
}
