using Converters.Engine.Data;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Tests.Data;

public class DatasetSpecTests
{
    [Fact]
    public void Open_SyntheticWithEveryCommonKey_AppliesThem()
    {
        // Given a spec that sets the shape, split, limit and normalisation keys
        const string Spec = "synthetic:shapes?classes=3&size=20x12&n=50&seed=9&split=test&train=0.6&channels=1&mean=10&scale=0.5&order=bgr&letterbox=0";

        // When opening it
        IDataset data = DatasetSpec.Open(Spec);

        // Then the sample shape, class count and split size (50 - round(0.6 * 50)) follow the keys
        (data.Channels, data.Height, data.Width).ShouldBe((1, 12, 20));
        data.ClassCount.ShouldBe(3);
        data.ClassNames.ShouldBe(["square", "circle", "ring"]);
        data.Count.ShouldBe(20);
        data.Task.ShouldBe(DatasetTask.Classification);
        data.Description.ShouldBe("synthetic:shapes, 20 samples, 3 classes, 1x12x20");
    }

    [Fact]
    public void Open_NoSizeKey_UsesTheModelInputShapeFromOptions()
    {
        // Given options carrying a model input of 1 x 24 x 40
        var options = new DatasetOpenOptions { Channels = 1, Height = 24, Width = 40 };

        // When opening a spec without size or channels, and one with them
        IDataset fromModel = DatasetSpec.Open("synthetic:shapes?n=4", options);
        IDataset fromSpec = DatasetSpec.Open("synthetic:shapes?n=4&size=16&channels=3", options);

        // Then the model's shape applies only where the spec is silent
        (fromModel.Channels, fromModel.Height, fromModel.Width).ShouldBe((1, 24, 40));
        (fromSpec.Channels, fromSpec.Height, fromSpec.Width).ShouldBe((3, 16, 16));
    }

    [Fact]
    public void Open_DynamicModelDimensions_FallBackToTheNativeShape()
    {
        // Given a model input with dynamic (non-positive) height and width
        var options = new DatasetOpenOptions { Channels = 1, Height = -1, Width = 0 };

        // When opening a synthetic set without a size
        IDataset data = DatasetSpec.Open("synthetic:shapes?n=2", options);

        // Then the synthetic default 32x32 is used with the model's channel count
        (data.Channels, data.Height, data.Width).ShouldBe((1, 32, 32));
    }

    [Fact]
    public void Open_TrainAndTestSplits_AreDisjointAndCoverEverything()
    {
        // Given the train and test splits of the same 101 samples at train=0.7
        IDataset train = DatasetSpec.Open("synthetic:shapes?n=101&split=train&train=0.7&seed=4");
        IDataset test = DatasetSpec.Open("synthetic:shapes?n=101&split=test&train=0.7&seed=4");

        // When reading their samples
        float[] sample = new float[train.Channels * train.Height * train.Width];
        var seen = new HashSet<string>();
        foreach (IDataset d in new[] { train, test })
        {
            for (int i = 0; i < d.Count; i++)
            {
                d.ReadSample(i, sample);
                seen.Add(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sample.AsSpan())));
            }
        }

        // Then the sizes are round(0.7 * 101) and the rest, and no sample is in both
        train.Count.ShouldBe(71);
        test.Count.ShouldBe(30);
        seen.Count.ShouldBe(101);
    }

    [Theory]
    [InlineData("shapes", "kind", "dataset spec \"shapes\": expected KIND:LOCATION[?key=value&...] with a kind before the first ':', found no ':'; kinds: synthetic, folder, list, mnist, mnist-json, cifar10, npy, yolo")]
    [InlineData(":x", "kind", "dataset spec \":x\": expected KIND:LOCATION[?key=value&...] with a kind before the first ':', found nothing before it; kinds: synthetic, folder, list, mnist, mnist-json, cifar10, npy, yolo")]
    [InlineData("imagenet:x", "kind", "dataset spec \"imagenet:x\": unknown kind 'imagenet'; valid kinds: synthetic, folder, list, mnist, mnist-json, cifar10, npy, yolo")]
    [InlineData("folder:x?train=1.5", "train", "dataset spec \"folder:x?train=1.5\": key 'train' must be in (0, 1), got 1.5")]
    [InlineData("folder:x?train=abc", "train", "dataset spec \"folder:x?train=abc\": key 'train' must be a number in (0, 1), got abc")]
    [InlineData("synthetic:shapes?colour=red", "colour", "dataset spec \"synthetic:shapes?colour=red\": unknown key 'colour' for kind 'synthetic'; valid keys: split, train, seed, n, size, channels, mean, scale, order, letterbox, classes")]
    [InlineData("mnist:x?train=0.5", "train", "dataset spec \"mnist:x?train=0.5\": unknown key 'train' for kind 'mnist'; valid keys: split, n, size, channels, mean, scale, order, letterbox")]
    [InlineData("synthetic:shapes?n=5&n=6", "n", "dataset spec \"synthetic:shapes?n=5&n=6\": key 'n' is given twice")]
    [InlineData("synthetic:shapes?n", "n", "dataset spec \"synthetic:shapes?n\": expected key=value after '?', found \"n\"")]
    [InlineData("synthetic:shapes?n=0", "n", "dataset spec \"synthetic:shapes?n=0\": key 'n' must be at least 1, got 0")]
    [InlineData("synthetic:shapes?n=100000001", "n", "dataset spec \"synthetic:shapes?n=100000001\": key 'n' must be in 1..100000000, got 100000001")]
    [InlineData("synthetic:shapes?split=val", "split", "dataset spec \"synthetic:shapes?split=val\": key 'split' must be one of train, test, got val")]
    [InlineData("synthetic:shapes?size=0", "size", "dataset spec \"synthetic:shapes?size=0\": key 'size' must be WxH or N with sizes in 1..65535, got 0")]
    [InlineData("synthetic:shapes?size=4x", "size", "dataset spec \"synthetic:shapes?size=4x\": key 'size' must be WxH or N with sizes in 1..65535, got 4x")]
    [InlineData("synthetic:shapes?size=4", "size", "dataset spec \"synthetic:shapes?size=4\": synthetic shapes need a size of at least 8x8, got 4x4")]
    [InlineData("synthetic:shapes?channels=2", "channels", "dataset spec \"synthetic:shapes?channels=2\": key 'channels' must be 1 or 3, got 2")]
    [InlineData("synthetic:shapes?channels=4", "channels", "dataset spec \"synthetic:shapes?channels=4\": key 'channels' must be in 1..3, got 4")]
    [InlineData("synthetic:shapes?mean=1,2", "mean", "dataset spec \"synthetic:shapes?mean=1,2\": key 'mean' must have 1 or 3 values (one per channel), got 2")]
    [InlineData("synthetic:shapes?scale=x", "scale", "dataset spec \"synthetic:shapes?scale=x\": key 'scale' must be a number or a comma-separated list of numbers, got x")]
    [InlineData("synthetic:shapes?order=gbr", "order", "dataset spec \"synthetic:shapes?order=gbr\": key 'order' must be one of rgb, bgr, got gbr")]
    [InlineData("synthetic:shapes?letterbox=yes", "letterbox", "dataset spec \"synthetic:shapes?letterbox=yes\": key 'letterbox' must be one of 0, 1, got yes")]
    [InlineData("synthetic:shapes?seed=-1", "seed", "dataset spec \"synthetic:shapes?seed=-1\": key 'seed' must be a non-negative integer, got -1")]
    [InlineData("synthetic:shapes?train=0.5", "train", "dataset spec \"synthetic:shapes?train=0.5\": key 'train' needs split=train or split=test")]
    [InlineData("synthetic:shapes?classes=9", "classes", "dataset spec \"synthetic:shapes?classes=9\": key 'classes' must be in 2..8, got 9")]
    [InlineData("synthetic:shapes?max=2", "max", "dataset spec \"synthetic:shapes?max=2\": unknown key 'max' for kind 'synthetic'; valid keys: split, train, seed, n, size, channels, mean, scale, order, letterbox, classes")]
    [InlineData("synthetic:circles", "location", "dataset spec \"synthetic:circles\": expected synthetic:shapes or synthetic:shapes-detection, found synthetic:circles")]
    [InlineData("folder:", "location", "dataset spec \"folder:\": expected a folder with one subfolder per class after 'folder:', found nothing")]
    [InlineData("npy:x.npy", "location", "dataset spec \"npy:x.npy\": expected two files X.npy,Y.npy (samples, labels) separated by a comma, found \"x.npy\"")]
    public void Open_BadSpec_ThrowsNamingTheKey(string spec, string field, string message)
    {
        // Given a bad spec, When opening it
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open(spec));

        // Then the error is an input-format error naming the key, with a one-line message
        e.ShouldBeAssignableTo<InputFormatException>();
        e.FieldPath.ShouldBe(field);
        e.Message.ShouldBe(message);
        e.FilePath.ShouldBeNull();
    }

    [Fact]
    public void Open_ModelWithFourInputChannels_ThrowsUnlessTheSpecOverrides()
    {
        // Given a model input of 4 channels
        var options = new DatasetOpenOptions { Channels = 4 };

        // When opening without and with a channels key
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open("synthetic:shapes?n=2", options));
        IDataset data = DatasetSpec.Open("synthetic:shapes?n=2&channels=3", options);

        // Then only the spec without the key fails
        e.FieldPath.ShouldBe("channels");
        e.Message.ShouldBe("dataset spec \"synthetic:shapes?n=2\": the samples must have 1 or 3 channels, but the model input has 4; add channels=1 or channels=3 only if the model really takes that");
        data.Channels.ShouldBe(3);
    }

    [Fact]
    public void ReadSample_BadIndexOrDestination_ThrowsArgumentExceptions()
    {
        // Given a dataset of 3 samples of 3x8x8
        IDataset data = DatasetSpec.Open("synthetic:shapes?n=3&size=8");

        // When reading outside it or into a wrong-sized span, Then argument exceptions are thrown
        Should.Throw<ArgumentOutOfRangeException>(() => data.ReadSample(3, new float[192]));
        Should.Throw<ArgumentOutOfRangeException>(() => data.GetLabel(-1));
        Should.Throw<ArgumentException>(() => data.ReadSample(0, new float[191]));
        Should.Throw<InvalidOperationException>(() => data.GetBoxes(0));
    }

    [Theory]
    [InlineData("synthetic:shapes?n=100", "synthetic:shapes?n=100&split=train", "synthetic:shapes?n=100&split=test")]
    [InlineData("mnist-json:digits", "mnist-json:digits?split=train", "mnist-json:digits?split=test")]
    [InlineData("folder:x?split=train&train=0.9", "folder:x?split=train&train=0.9", "folder:x?split=test&train=0.9")]
    public void TrainTestSplits_SpecWithoutOrWithTrainSplit_GivesBothHalves(string spec, string train, string test)
    {
        (string Train, string Test) halves = DatasetSpec.TrainTestSplits(spec);
        halves.Train.ShouldBe(train);
        halves.Test.ShouldBe(test);
    }

    [Fact]
    public void TrainTestSplits_SplitsAreDisjointAndCoverTheData()
    {
        // Given the halves of a synthetic spec
        (string train, string test) = DatasetSpec.TrainTestSplits("synthetic:shapes?n=50&size=8");
        IDataset a = DatasetSpec.Open(train), b = DatasetSpec.Open(test);

        // Then they hold 40 and 10 samples
        a.Count.ShouldBe(40);
        b.Count.ShouldBe(10);
    }

    [Fact]
    public void TrainTestSplits_TestSplit_ThrowsNamingSplit()
    {
        DatasetException e = Should.Throw<DatasetException>(() => DatasetSpec.TrainTestSplits("synthetic:shapes?split=test"));
        e.FieldPath.ShouldBe("split");
        e.Message.ShouldContain("training data must be the train split");
    }
}
