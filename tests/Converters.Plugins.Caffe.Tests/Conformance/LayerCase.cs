namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>One conformance net: its prototxt, the blobs of its caffemodel and the layer whose output is compared.</summary>
internal sealed record LayerCase(string Name, string Prototxt, (string Layer, BlobSpec[] Blobs)[] Blobs, string Output)
{
    public override string ToString() => Name;
}
