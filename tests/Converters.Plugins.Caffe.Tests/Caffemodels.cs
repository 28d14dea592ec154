using Converters.Plugins.Caffe.Proto;
using Google.Protobuf;

namespace Converters.Plugins.Caffe.Tests;

/// <summary>
/// Builds .caffemodel bytes independently of the plugin's reader and writer: a NetParameter of layers
/// with only a name and blobs (OpenCV and Caffe match blobs by layer name), serialised by Google.Protobuf.
/// </summary>
internal static class Caffemodels
{
    public static byte[] Build(int seed, params (string Layer, BlobSpec[] Blobs)[] layers) => Net(seed, legacyV1: false, layers).ToByteArray();

    public static NetParameter Net(int seed, bool legacyV1, params (string Layer, BlobSpec[] Blobs)[] layers)
    {
        var random = new Random(seed);
        var net = new NetParameter();
        foreach ((string name, BlobSpec[] specs) in layers)
        {
            List<BlobProto> blobs = [.. specs.Select(s => Blob(s, random))];
            if (legacyV1)
            {
                var layer = new V1LayerParameter { Name = name };
                layer.Blobs.AddRange(blobs);
                net.Layers.Add(layer);
            }
            else
            {
                var layer = new LayerParameter { Name = name };
                layer.Blobs.AddRange(blobs);
                net.Layer.Add(layer);
            }
        }

        return net;
    }

    public static BlobProto Blob(BlobSpec spec, Random random)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(spec.Shape.Select(d => (long)d));
        blob.Data.AddRange(spec.Values(random));
        return blob;
    }
}
