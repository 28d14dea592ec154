using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Caffe.Mapping;
using Converters.Protobuf.Text;
using Converters.Plugins.Caffe.Proto;
using Converters.Plugins.Caffe.Weights;

namespace Converters.Plugins.Caffe;

/// <summary>Reads a prototxt (and its caffemodel, if given) into a <see cref="Model"/>.</summary>
internal static class CaffeReader
{
    /// <summary>The largest prototxt read (64 MiB): net definitions are text, far smaller.</summary>
    public const long MaxPrototxtBytes = 64L << 20;

    public static Model Read(string prototxtPath, string? caffemodelPath, TensorShape? dataShape)
    {
        TextFormatDocument doc = ParseNet(prototxtPath);
        NetParameter? weights = null;
        if (caffemodelPath is not null)
        {
            byte[] bytes = ModelFile.ReadAllBytes(caffemodelPath, CaffemodelFile.MaxBytes);
            weights = CaffemodelFile.Parse(caffemodelPath, bytes);
        }

        try
        {
            return CaffeImporter.Import(doc, caffemodelPath, weights, dataShape);
        }
        catch (OverflowException ex)
        {
            throw new ModelFormatException("a size in the net overflows 32-bit dimensions; check num_output, kernel sizes and input shapes", ex) { FilePath = prototxtPath };
        }
    }

    public static TextFormatDocument ParseNet(string path)
    {
        byte[] bytes = ModelFile.ReadAllBytes(path, MaxPrototxtBytes, " Is it a .caffemodel?");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new TextFormatException($"the file is not UTF-8 text (byte {ex.Index}); a prototxt is protobuf text format. Is it a binary .caffemodel?", ex)
            {
                FilePath = path,
                ByteOffset = ex.Index,
            };
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new TextFormatException("the file contains NUL bytes: a prototxt is protobuf text format. Is it a binary .caffemodel?") { FilePath = path, ByteOffset = text.IndexOf('\0', StringComparison.Ordinal) };
        }

        try
        {
            return TextFormatParser.Parse<NetParameter>(path, text);
        }
        catch (TextFormatException ex) when (ex.FieldPath is { } field && field.StartsWith("layers[", StringComparison.Ordinal) && field.EndsWith("].layer", StringComparison.Ordinal))
        {
            throw new TextFormatException("legacy V0 layers (layers { layer { ... } }) are not supported; upgrade the file with Caffe's upgrade_net_proto_text tool first", ex)
            {
                FilePath = ex.FilePath,
                Line = ex.Line,
                Column = ex.Column,
                FieldPath = ex.FieldPath,
            };
        }
    }
}
