using Converters.Abstractions;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Weights;

/// <summary>A .weights file that does not fit its cfg is an error at the byte where it goes wrong.</summary>
public sealed class WeightsErrorTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string WeightsPath => _folder.Combine("model.weights");

    [Fact]
    public void Read_TruncatedWeights_SaysWhichLayerAndArrayAndTheTotals()
    {
        // Given: the tiny model's weights (20 + 134 x 4 = 556 bytes) without their last 8 bytes
        byte[] weights = TestModels.Weights(TestModels.TinyFloats)[..^8];

        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, weights);

        // Then: layer 2's weights (8 floats) start at 20 + 126 x 4 = 524
        ex.FilePath.ShouldBe(WeightsPath);
        ex.ByteOffset.ShouldBe(548);
        ex.FieldPath.ShouldBe("[convolutional] #2.weights");
        ex.Message.ShouldBe("the weights file ends at byte 548 inside layer [convolutional] #2 (expected 8 floats for 'weights' at byte 524); the cfg implies 556 bytes (a 20-byte header for version 0.2.0 + 134 floats), the file has 548. Is it for another cfg?");
    }

    [Fact]
    public void Read_TruncatedInsideFirstLayer_NamesTheBatchNormArray()
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats)[..30];

        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, weights);

        ex.ByteOffset.ShouldBe(30);
        ex.FieldPath.ShouldBe("[convolutional] #0.biases");
        ex.Message.ShouldStartWith("the weights file ends at byte 30 inside layer [convolutional] #0 (expected 4 floats for 'biases' at byte 20)");
    }

    [Fact]
    public void Read_OverLongWeights_SaysHowManyBytesTooMany()
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats + 3);

        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, weights);

        ex.FilePath.ShouldBe(WeightsPath);
        ex.ByteOffset.ShouldBe(556);
        ex.FieldPath.ShouldBe("weights");
        ex.Message.ShouldBe("the weights file is 12 bytes too long: the cfg implies 556 bytes (a 20-byte header for version 0.2.0 + 134 floats), the file has 568; the last array ('weights' of layer [convolutional] #2) ends at byte 556. Is it for another cfg (more layers or filters)?");
    }

    [Fact]
    public void Read_HeaderWithNegativeVersion_FailsAtByteZero()
    {
        byte[] weights = TestModels.Weights(TestModels.TinyFloats, major: -1);

        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, weights);

        ex.ByteOffset.ShouldBe(0);
        ex.FieldPath.ShouldBe("header.version");
        ex.Message.ShouldStartWith("the header's version -1.2.0 has a negative part");
    }

    [Fact]
    public void Read_FileShorterThanAHeader_Fails()
    {
        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, new byte[10]);

        ex.ByteOffset.ShouldBe(10);
        ex.FieldPath.ShouldBe("header");
        ex.Message.ShouldBe("the weights file has 10 bytes, fewer than the 16-byte header (major, minor, revision, seen)");
    }

    [Fact]
    public void Read_OldHeaderWithFourByteSeen_ExpectsSixteenBytesOfHeader()
    {
        // Given: version 0.1 stores seen as int32, so the 0.2-sized file is 4 bytes too long
        byte[] weights = TestModels.Weights(TestModels.TinyFloats, major: 0, minor: 2);
        weights[4] = 1;

        var ex = Reading.Fails<ModelFormatException>(_folder, TestModels.TinyCfg, weights);

        ex.ByteOffset.ShouldBe(552);
        ex.Message.ShouldStartWith("the weights file is 4 bytes too long: the cfg implies 552 bytes (a 16-byte header for version 0.1.0");
    }
}
