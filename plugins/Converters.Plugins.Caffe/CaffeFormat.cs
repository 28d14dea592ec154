using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Writing;

namespace Converters.Plugins.Caffe;

/// <summary>
/// Caffe: a <c>.prototxt</c> (net definition, protobuf text format) and an optional <c>.caffemodel</c>
/// (binary NetParameter with the blobs). The format as supported is specified in <c>formats/caffe/README.md</c>.
/// </summary>
public sealed partial class CaffeFormat : IModelFormat
{
    /// <summary>The format's short name.</summary>
    public const string FormatName = "caffe";

    /// <summary>Write option: write legacy V1 <c>layers</c> (enum types) instead of V2 <c>layer</c>.</summary>
    public const string LegacyOption = "caffe-legacy";

    /// <summary>Read option: the N,C,H,W shape of the blob a training data layer (Data, ImageData, ...) feeds.</summary>
    public const string InputShapeOption = "caffe-input-shape";

    /// <inheritdoc/>
    public string Name => FormatName;

    /// <inheritdoc/>
    public string DisplayName => "Caffe (.prototxt + .caffemodel)";

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [".prototxt", ".caffemodel"];

    /// <inheritdoc/>
    public bool CanRead => true;

    /// <inheritdoc/>
    public bool CanWrite => true;

    /// <inheritdoc/>
    public IReadOnlyList<FormatOption> Options { get; } =
    [
        new(LegacyOption, "Write legacy V1 'layers' (enum layer types) for old Caffe builds, instead of V2 'layer'."),
        new(InputShapeOption, "Shape N,C,H,W of the blob fed by a training data layer (Data, ImageData, HDF5Data), e.g. 1,3,224,224.", IsFlag: false),
    ];

    /// <summary>
    /// <see cref="DetectionConfidence.Content"/> for one <c>.prototxt</c> whose text starts declaring a net
    /// (<c>layer {</c>, <c>layers {</c>, <c>input:</c>), plus at most one <c>.caffemodel</c>;
    /// <see cref="DetectionConfidence.Extension"/> when the header does not show that.
    /// </summary>
    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files is null || files.Count is 0 or > 2)
        {
            return DetectionConfidence.None;
        }

        ModelFile[] texts = [.. files.Where(f => f.Extension == ".prototxt")];
        int models = files.Count(f => f.Extension == ".caffemodel");
        if (texts.Length != 1 || models > 1 || texts.Length + models != files.Count)
        {
            return DetectionConfidence.None;
        }

        string header = Encoding.UTF8.GetString(texts[0].Header.Span);
        return NetStart().IsMatch(header) ? DetectionConfidence.Content : DetectionConfidence.Extension;
    }

    /// <inheritdoc/>
    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        ModelFile[] texts = [.. files.Where(f => f.Extension == ".prototxt")];
        ModelFile[] models = [.. files.Where(f => f.Extension == ".caffemodel")];
        if (texts.Length != 1 || models.Length > 1 || texts.Length + models.Length != files.Count)
        {
            throw new ModelFormatException($"Caffe reads one .prototxt and optionally one .caffemodel, got: {string.Join(", ", files)}")
            {
                FilePath = files.Count > 0 ? files[0].Path : null,
            };
        }

        TensorShape? dataShape = ParseShape(options.Get(InputShapeOption));
        return CaffeReader.Read(texts[0].Path, models.Length == 1 ? models[0].Path : null, dataShape);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return CaffeWriter.Write(model, outputDirectory, baseName, options.IsSet(LegacyOption));
    }

    internal static TensorShape? ParseShape(string? value)
    {
        if (value is null)
        {
            return null;
        }

        string[] parts = value.Split(',', 'x');
        var dims = new int[parts.Length];
        bool ok = parts.Length is >= 1 and <= 8;
        for (int i = 0; ok && i < parts.Length; i++)
        {
            ok = int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) && dims[i] > 0;
        }

        return ok ? TensorShape.Of(dims) : throw new ModelFormatException($"--{InputShapeOption} {value}: expected positive dimensions like 1,3,224,224") { FieldPath = InputShapeOption };
    }

    [GeneratedRegex(@"^\s*(layers?\s*:?\s*[{<]|input\s*:|input_shape\s*:?\s*\{|input_dim\s*:)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex NetStart();
}
