using Converters.Abstractions;
using Converters.Plugins.Caffe.Proto;
using Google.Protobuf;

namespace Converters.Plugins.Caffe.Weights;

/// <summary>
/// Reads a binary <c>.caffemodel</c> (a <c>NetParameter</c> with V2 <c>layer</c> or V1 <c>layers</c>;
/// packed or unpacked repeated fields) and indexes its blobs by layer name.
/// </summary>
internal static class CaffemodelFile
{
    /// <summary>The largest .caffemodel read: protobuf messages cannot exceed 2 GiB.</summary>
    public const long MaxBytes = int.MaxValue;

    public static NetParameter Parse(string path, byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var net = new NetParameter();
        try
        {
            net.MergeFrom(input);
        }
        catch (InvalidProtocolBufferException ex)
        {
            (long Offset, string Problem)? found = WireScanner.FindProblem(bytes, NetParameter.Descriptor);
            string where = found is { } f ? f.Problem : ex.Message.TrimEnd('.');
            throw new ModelFormatException($"not a valid caffemodel (binary NetParameter): {where}; is the file truncated or not a caffemodel?", ex)
            {
                FilePath = path,
                ByteOffset = found?.Offset ?? input.Position,
            };
        }

        return net;
    }

    /// <summary>The blobs of each layer by name (first layer of a name with blobs, as OpenCV and Caffe match).</summary>
    public static Dictionary<string, (int Index, string Path, List<BlobProto> Blobs)> Index(NetParameter net)
    {
        var byName = new Dictionary<string, (int, string, List<BlobProto>)>(StringComparer.Ordinal);
        for (int i = 0; i < net.Layer.Count; i++)
        {
            LayerParameter layer = net.Layer[i];
            if (layer.Blobs.Count > 0)
            {
                byName.TryAdd(layer.Name, (i, $"layer[{i}]", [.. layer.Blobs]));
            }
        }

        for (int i = 0; i < net.Layers.Count; i++)
        {
            V1LayerParameter layer = net.Layers[i];
            if (layer.Blobs.Count > 0)
            {
                byName.TryAdd(layer.Name, (i, $"layers[{i}]", [.. layer.Blobs]));
            }
        }

        return byName;
    }
}
