using Converters.Abstractions;
using Converters.Ir;
using Converters.Samples.TextNet.Reading;
using Converters.Samples.TextNet.Writing;

namespace Converters.Samples.TextNet;

/// <summary>
/// TextNet (<c>.tnet</c>): a small human-readable model format, the worked example of
/// <c>docs/plugins.md</c>. The syntax is specified in this project's README.md.
/// </summary>
public sealed class TextNetFormat : IModelFormat
{
    /// <summary>The format's short name.</summary>
    public const string FormatName = "textnet";

    /// <summary>The file extension.</summary>
    public const string Extension = ".tnet";

    /// <inheritdoc/>
    public string Name => FormatName;

    /// <inheritdoc/>
    public string DisplayName => "TextNet (.tnet)";

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [Extension];

    /// <inheritdoc/>
    public bool CanRead => true;

    /// <inheritdoc/>
    public bool CanWrite => true;

    /// <inheritdoc/>
    public IReadOnlyList<FormatOption> Options { get; } = [];

    /// <summary>
    /// <see cref="DetectionConfidence.Content"/> for one file whose text starts with <c>textnet</c>
    /// and a blank (after an optional UTF-8 byte order mark and white space),
    /// <see cref="DetectionConfidence.Extension"/> for one <c>.tnet</c> file that does not, else
    /// <see cref="DetectionConfidence.None"/>.
    /// </summary>
    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files is not { Count: 1 } || files[0] is not { } file)
        {
            return DetectionConfidence.None;
        }

        ReadOnlySpan<byte> header = file.Header.Span;
        if (header.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            header = header[3..];
        }

        header = header.TrimStart(" \t\r\n"u8);
        if (header.StartsWith("textnet"u8) && header.Length > 7 && header[7] is (byte)' ' or (byte)'\t')
        {
            return DetectionConfidence.Content;
        }

        return file.Extension == Extension ? DetectionConfidence.Extension : DetectionConfidence.None;
    }

    /// <inheritdoc/>
    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count != 1)
        {
            throw new ModelFormatException($"TextNet reads exactly one {Extension} file, got {files.Count}: {string.Join(", ", files)}")
            {
                FilePath = files.Count > 0 ? files[0].Path : null,
            };
        }

        string path = files[0].Path;
        byte[] bytes = ModelFile.ReadAllBytes(path, TextNetLimits.MaxFileBytes);

        return TextNetReader.Read(path, bytes);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        TextNetWriter.Write(model, outputDirectory, baseName);
}
