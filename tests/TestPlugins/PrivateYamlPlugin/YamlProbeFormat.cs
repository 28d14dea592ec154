using Converters.Abstractions;
using Converters.Ir;
using YamlDotNet.RepresentationModel;

namespace PrivateYamlPlugin;

/// <summary>
/// Reads a <c>.yamlprobe</c> file (a YAML mapping with a <c>name</c> key) with the YamlDotNet the
/// plugin ships, and reports that YamlDotNet's version in <see cref="DisplayName"/> and in the
/// model's <see cref="Model.ProducerName"/>.
/// </summary>
public sealed class YamlProbeFormat : IModelFormat
{
    public string Name => "yamlprobe";

    public string DisplayName => $"YAML probe (YamlDotNet {YamlDotNetVersion})";

    public IReadOnlyList<string> Extensions { get; } = [".yamlprobe"];

    public bool CanRead => true;

    public bool CanWrite => false;

    public IReadOnlyList<FormatOption> Options { get; } = [];

    /// <summary>The assembly version of the YamlDotNet this plugin runs with.</summary>
    public static Version YamlDotNetVersion => typeof(YamlStream).Assembly.GetName().Version!;

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files) =>
        files.Count == 1 && files[0].Extension == ".yamlprobe" ? DetectionConfidence.Extension : DetectionConfidence.None;

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(files[0].Path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var name = (YamlScalarNode)root.Children[new YamlScalarNode("name")];
        var graph = new Graph { Name = name.Value ?? string.Empty };
        return new Model(graph) { SourceFormat = Name, ProducerName = $"YamlDotNet {YamlDotNetVersion}" };
    }

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options) =>
        throw new NotSupportedException("The YAML probe format cannot be written.");
}
