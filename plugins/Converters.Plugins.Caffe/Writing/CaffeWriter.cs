using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Mapping;
using Converters.Protobuf.Text;
using Converters.Plugins.Caffe.Proto;
using Google.Protobuf;

namespace Converters.Plugins.Caffe.Writing;

/// <summary>Writes <c>base.prototxt</c> (net, no blobs, with comments) and <c>base.caffemodel</c> (net with blobs), all or nothing.</summary>
internal static class CaffeWriter
{
    public static IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, bool legacy)
    {
        var exporter = new CaffeExporter(model);
        exporter.Export();
        (NetParameter text, NetParameter binary, Dictionary<IMessage, IReadOnlyList<string>> comments) = Assemble(exporter, legacy);

        using var files = new AtomicFileSet(outputDirectory);
        using (Stream stream = files.Create(baseName + ".prototxt"))
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(TextFormatPrinter.Print(text, CaffeTextStyle.Options, exporter.HeaderComments, comments));
            stream.Write(bytes);
        }

        using (Stream stream = files.Create(baseName + ".caffemodel"))
        {
            binary.WriteTo(stream);
        }

        return files.Commit();
    }

    internal static (NetParameter Text, NetParameter Binary, Dictionary<IMessage, IReadOnlyList<string>> Comments) Assemble(CaffeExporter exporter, bool legacy)
    {
        NetParameter text = exporter.Net.Clone();
        NetParameter binary = exporter.Net.Clone();
        var comments = new Dictionary<IMessage, IReadOnlyList<string>>(ReferenceEqualityComparer.Instance);
        if (legacy)
        {
            ConvertInputLayerToLegacy(exporter, text, binary);
        }

        foreach (ExportedLayer layer in exporter.Layers)
        {
            LayerParameter withBlobs = layer.Layer.Clone();
            withBlobs.Blobs.AddRange(layer.Blobs);
            IMessage written;
            if (legacy)
            {
                V1LayerParameter v1 = LayerUpgrade.ToV1(layer.Layer, out string? problem)
                    ?? throw new UnsupportedOperatorException($"layer '{layer.Layer.Name}': {problem}; write without --{CaffeFormat.LegacyOption}") { OperatorName = layer.Layer.Type, FieldPath = layer.Layer.Name };
                text.Layers.Add(v1);
                binary.Layers.Add(LayerUpgrade.ToV1(withBlobs, out _)!);
                written = v1;
            }
            else
            {
                text.Layer.Add(layer.Layer);
                binary.Layer.Add(withBlobs);
                written = layer.Layer;
            }

            if (layer.Comments is { Count: > 0 })
            {
                comments[written] = layer.Comments;
            }
        }

        return (text, binary, comments);
    }

    private static void ConvertInputLayerToLegacy(CaffeExporter exporter, NetParameter text, NetParameter binary)
    {
        ExportedLayer? input = exporter.Layers.FirstOrDefault(l => l.Layer.Type == "Input");
        if (input is null)
        {
            return;
        }

        exporter.Layers.Remove(input);
        foreach (NetParameter net in new[] { text, binary })
        {
            for (int i = 0; i < input.Layer.Top.Count; i++)
            {
                net.Input.Add(input.Layer.Top[i]);
                BlobShape shape = input.Layer.InputParam.Shape[Math.Min(i, input.Layer.InputParam.Shape.Count - 1)];
                if (shape.Dim.Count == 4)
                {
                    net.InputDim.AddRange(shape.Dim.Select(d => (int)d));
                }
                else
                {
                    net.InputShape.Add(shape);
                }
            }
        }
    }
}
