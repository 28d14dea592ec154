using Converters.Plugins.Caffe.Proto;

namespace Converters.Plugins.Caffe.Writing;

/// <summary>A written layer: its definition without blobs (prototxt), its blobs (caffemodel) and leading comments.</summary>
internal sealed record ExportedLayer(LayerParameter Layer, List<BlobProto> Blobs, List<string>? Comments)
{
    /// <summary>Fields the IR does not model, merged into <see cref="Layer"/> once its parameters are set.</summary>
    public LayerParameter? Extra { get; init; }
}
