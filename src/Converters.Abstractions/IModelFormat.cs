using Converters.Ir;

namespace Converters.Abstractions;

/// <summary>
/// A model format: how to recognise its files, read them into the IR, and write the IR back.
/// Implementations must be stateless and thread-safe; the host creates one instance per process.
/// </summary>
public interface IModelFormat
{
    /// <summary>The short name users pass to <c>--to</c>, lower case (<c>darknet</c>, <c>caffe</c>).</summary>
    string Name { get; }

    /// <summary>A human-readable name, e.g. <c>Darknet (.cfg + .weights)</c>.</summary>
    string DisplayName { get; }

    /// <summary>The file extensions this format uses, lower case with the dot (<c>.cfg</c>, <c>.weights</c>).</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>Whether <see cref="Read"/> is implemented.</summary>
    bool CanRead { get; }

    /// <summary>Whether <see cref="Write"/> is implemented.</summary>
    bool CanWrite { get; }

    /// <summary>Format-specific options (e.g. <c>caffe-legacy</c>) the CLI offers as <c>--NAME</c> flags.</summary>
    IReadOnlyList<FormatOption> Options { get; }

    /// <summary>
    /// How sure the format is that <paramref name="files"/> are its files, from their extensions and
    /// first bytes. Must not throw and must not read beyond <see cref="ModelFile.Header"/>.
    /// </summary>
    DetectionConfidence Detect(IReadOnlyList<ModelFile> files);

    /// <summary>Reads <paramref name="files"/> into a model.</summary>
    /// <exception cref="ModelFormatException">A file is malformed; the exception says where and what was expected.</exception>
    Model Read(IReadOnlyList<ModelFile> files, FormatOptions options);

    /// <summary>
    /// Writes <paramref name="model"/> into <paramref name="outputDirectory"/> (created if needed)
    /// with file names derived from <paramref name="baseName"/>, all files or none
    /// (see <see cref="AtomicFileSet"/>), and returns the paths written.
    /// </summary>
    /// <exception cref="ModelFormatException">The model uses something this format cannot express.</exception>
    IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options);
}
