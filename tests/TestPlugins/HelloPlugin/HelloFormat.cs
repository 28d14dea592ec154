using System.Text;
using Converters.Abstractions;
using Converters.Ir;

namespace HelloPlugin;

/// <summary>
/// A <c>.hello</c> file is the line <c>HELLO</c>; it reads as a model with one Relu node on a 1x4
/// float input. Detected by extension, and by content when the first line is <c>HELLO</c>.
/// </summary>
public sealed class HelloFormat : IModelFormat
{
    public const string Magic = "HELLO";

    public string Name => "hello";

    public string DisplayName => "Hello (.hello)";

    public IReadOnlyList<string> Extensions { get; } = [".hello"];

    public bool CanRead => true;

    public bool CanWrite => true;

    public IReadOnlyList<FormatOption> Options { get; } = [new FormatOption("hello-shout", "Write the magic line twice.")];

    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files.Count != 1)
        {
            return DetectionConfidence.None;
        }

        if (StartsWithMagic(files[0].Header.Span))
        {
            return DetectionConfidence.Content;
        }

        return files[0].Extension == ".hello" ? DetectionConfidence.Extension : DetectionConfidence.None;
    }

    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        if (files.Count != 1)
        {
            throw new ModelFormatException($"expected one .hello file, got {files.Count}");
        }

        ModelFile file = files[0];
        string firstLine = File.ReadLines(file.Path).FirstOrDefault() ?? string.Empty;
        if (firstLine != Magic)
        {
            throw new ModelFormatException($"expected '{Magic}', got \"{firstLine}\"") { FilePath = file.Path, Line = 1, Column = 1 };
        }

        var graph = new Graph { Name = file.BaseName };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 4)));
        graph.Add(new Node("Relu", "relu", ["x"], ["y"]));
        graph.Outputs.Add("y");
        return new Model(graph) { SourceFormat = Name, ProducerName = typeof(HelloFormat).Assembly.GetName().Name };
    }

    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options)
    {
        using var output = new AtomicFileSet(outputDirectory);
        Stream stream = output.Create(baseName + ".hello");
        string text = options.IsSet("hello-shout") ? $"{Magic}\n{Magic}\n" : $"{Magic}\n";
        stream.Write(Encoding.ASCII.GetBytes(text));

        return output.Commit();
    }

    private static bool StartsWithMagic(ReadOnlySpan<byte> header)
    {
        ReadOnlySpan<byte> magic = "HELLO"u8;
        return header.StartsWith(magic) && (header.Length == magic.Length || header[magic.Length] is (byte)'\n' or (byte)'\r');
    }
}
