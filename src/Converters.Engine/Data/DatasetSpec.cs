namespace Converters.Engine.Data;

/// <summary>
/// Opens a dataset from one spec string, the same for every command:
/// <c>KIND:LOCATION[?key=value&amp;...]</c>, e.g. <c>synthetic:shapes?classes=4&amp;size=32&amp;n=2000&amp;seed=1</c>,
/// <c>folder:images/train</c>, <c>mnist:data/mnist?split=test</c>, <c>npy:x.npy,y.npy</c>,
/// <c>yolo:data/val.txt?names=coco.names&amp;letterbox=1</c>. See docs/datasets.md for every key.
/// </summary>
public static class DatasetSpec
{
    /// <summary>The kinds, as listed in errors.</summary>
    public const string KindList = "synthetic, folder, list, mnist, mnist-json, cifar10, npy, yolo";

    /// <summary>
    /// Parses <paramref name="spec"/> and opens the dataset. Without a <c>size</c> or
    /// <c>channels</c> key, samples take the shape in <paramref name="options"/> (the model's input),
    /// else the dataset's native shape.
    /// </summary>
    /// <exception cref="DatasetException">The spec is invalid or a dataset file is malformed.</exception>
    public static IDataset Open(string spec, DatasetOpenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new DatasetOpenOptions();
        DatasetSpecText text = DatasetSpecText.Parse(spec);
        return text.Kind switch
        {
            "synthetic" => SyntheticShapesDataset.Open(text, options),
            "folder" => ImageFolderReader.OpenFolder(text, options),
            "list" => ImageFolderReader.OpenList(text, options),
            "mnist" => MnistIdxReader.Open(text, options),
            "mnist-json" => MnistJsonReader.Open(text, options),
            "cifar10" => Cifar10Reader.Open(text, options),
            "npy" => NpyDatasetReader.Open(text, options),
            "yolo" => YoloListReader.Open(text, options),
            _ => throw text.Error("kind", $"unknown kind '{text.Kind}'; valid kinds: {KindList}"),
        };
    }

    /// <summary>
    /// The train and test halves of <paramref name="spec"/> for training: a spec without a
    /// <c>split</c> key gets <c>split=train</c> and <c>split=test</c> (the seeded 0.8/0.2 split, or a
    /// kind's own file split); a spec with <c>split=train</c> gets the same spec with <c>split=test</c>.
    /// </summary>
    /// <exception cref="DatasetException">The spec is malformed or names the test split.</exception>
    public static (string Train, string Test) TrainTestSplits(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        DatasetSpecText text = DatasetSpecText.Parse(spec);
        string? split = text.GetChoice("split", "train", "test");
        if (split is null)
        {
            string joiner = spec.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            return (spec + joiner + "split=train", spec + joiner + "split=test");
        }

        if (split == "test")
        {
            throw text.Error("split", "training data must be the train split (split=train) or carry no split; give the test data separately");
        }

        return (spec, spec.Replace("split=train", "split=test", StringComparison.Ordinal));
    }
}
