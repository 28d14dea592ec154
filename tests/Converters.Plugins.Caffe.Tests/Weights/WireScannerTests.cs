using Converters.Plugins.Caffe.Proto;
using Converters.Plugins.Caffe.Weights;

namespace Converters.Plugins.Caffe.Tests.Weights;

public sealed class WireScannerTests
{
    [Fact]
    public void FindProblem_ValidNet_FindsNone()
    {
        // Given
        byte[] model = Caffemodels.Build(1, ("a", [BlobSpec.Random(3, 2)]), ("b", [BlobSpec.Random(4)]));

        // When / Then
        WireScanner.FindProblem(model, NetParameter.Descriptor).ShouldBeNull();
    }

    [Fact]
    public void FindProblem_TruncatedBlobData_PointsAtTheCutBlob()
    {
        // Given: layer "a" (blob of 6 floats), layer "b" (blob of 4 floats), cut 3 bytes into b's data
        byte[] model = Caffemodels.Build(1, ("a", [BlobSpec.Random(3, 2)]), ("b", [BlobSpec.Random(4)]));
        NetParameter net = NetParameter.Parser.ParseFrom(model);
        int layerA = Google.Protobuf.MessageExtensions.ToByteArray(net.Layer[0]).Length + 3;
        byte[] cut = model[..^3];

        // When
        (long Offset, string Problem)? found = WireScanner.FindProblem(cut, NetParameter.Descriptor);

        // Then: the problem is inside layer b, at its blob (after layer a's bytes and b's tag, length and name)
        found.ShouldNotBeNull();
        found.Value.Offset.ShouldBeGreaterThan(layerA + 4, found.Value.Problem);
        found.Value.Problem.ShouldContain("truncated");
    }

    [Fact]
    public void FindProblem_ConvLayerCutInItsBias_PointsPastTheWeights()
    {
        // Given: 108 weights, then 4 biases of which the last 7 bytes are cut
        byte[] model = Caffemodels.Build(1, ("conv1", [BlobSpec.Random(4, 3, 3, 3), BlobSpec.Random(4)]));

        // When
        (long Offset, string Problem)? found = WireScanner.FindProblem(model[..^7], NetParameter.Descriptor);

        // Then
        found.ShouldNotBeNull();
        found.Value.Offset.ShouldBeGreaterThan(108 * 4, found.Value.Problem);
    }
}
