using Converters.Abstractions;
using Converters.Ir;

namespace Converters.Plugins.TensorFlow;

/// <summary>
/// TensorFlow 1.x: a frozen GraphDef, binary (<c>.pb</c>) or protobuf text format (<c>.pbtxt</c>).
/// The format as supported is specified in <c>formats/tensorflow/README.md</c>.
/// </summary>
public sealed class TensorFlowFormat : IModelFormat
{
    /// <summary>The format's short name.</summary>
    public const string FormatName = "tensorflow";

    /// <inheritdoc/>
    public string Name => FormatName;

    /// <inheritdoc/>
    public string DisplayName => "TensorFlow (.pb, .pbtxt)";

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [".pb", ".pbtxt"];

    /// <inheritdoc/>
    public bool CanRead => true;

    /// <inheritdoc/>
    public bool CanWrite => false;

    /// <inheritdoc/>
    public IReadOnlyList<FormatOption> Options { get; } = [];

    /// <summary>
    /// <see cref="DetectionConfidence.Content"/> for one <c>.pbtxt</c> starting with <c>node {</c>, or one <c>.pb</c>
    /// whose first byte is the tag of GraphDef field 1 (node, length-delimited, 0x0A);
    /// <see cref="DetectionConfidence.Extension"/> otherwise for those extensions.
    /// </summary>
    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files is null || files.Count != 1)
        {
            return DetectionConfidence.None;
        }

        ModelFile file = files[0];
        ReadOnlySpan<byte> header = file.Header.Span;
        return file.Extension switch
        {
            ".pb" => header.Length > 1 && header[0] == 0x0A ? DetectionConfidence.Content : DetectionConfidence.Extension,
            ".pbtxt" => GraphDefReader.LooksLikeText(header) ? DetectionConfidence.Content : DetectionConfidence.Extension,
            _ => DetectionConfidence.None,
        };
    }

    /// <inheritdoc/>
    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        if (files.Count != 1 || files[0].Extension is not (".pb" or ".pbtxt"))
        {
            throw new ModelFormatException($"TensorFlow reads one frozen GraphDef (.pb or .pbtxt), got: {string.Join(", ", files)}")
            {
                FilePath = files.Count > 0 ? files[0].Path : null,
            };
        }

        return GraphDefReader.Read(files[0].Path);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException("writing TensorFlow GraphDefs is not supported yet");
}
