using Converters.Engine.Data;
using Converters.Engine.Tests.Data.Images;
using Converters.Testing;

namespace Converters.Engine.Tests.Data;

public class YoloListReaderTests
{
    [Fact]
    public void Open_ImagesAndLabels_FindsLabelFilesTheDarknetWay()
    {
        // Given data/images/{a.png,b.bmp?} with labels in data/labels, a names file and a list of paths
        using var dir = new TempDirectory();
        dir.WriteFile("data/images/a.png", Gray(20, 10));
        dir.WriteFile("data/images/b.png", Gray(20, 10));
        dir.WriteText("data/labels/a.txt", "1 0.5 0.5 0.2 0.4\n\n0 0.25 0.75 0.1 0.1\n");
        dir.WriteText("data/names.txt", "cat\ndog\nbird\n");
        dir.WriteText("data/val.txt", "images/a.png\nimages/b.png\n");

        // When opening it (b has no label file)
        IDataset data = DatasetSpec.Open("yolo:data/val.txt?names=data/names.txt", new DatasetOpenOptions { BaseDirectory = dir.Path });

        // Then boxes are read as written, class names come from the names file, and b has no boxes
        data.Task.ShouldBe(DatasetTask.Detection);
        data.ClassNames.ShouldBe(["cat", "dog", "bird"]);
        data.GetBoxes(0).ShouldBe([new BoundingBox(1, 0.5f, 0.5f, 0.2f, 0.4f), new BoundingBox(0, 0.25f, 0.75f, 0.1f, 0.1f)]);
        data.GetBoxes(1).ShouldBeEmpty();
        (data.Channels, data.Height, data.Width).ShouldBe((1, 10, 20));
    }

    [Fact]
    public void GetBoxes_Letterbox_MovesBoxesIntoTheSampleFrame()
    {
        // Given a 40x20 image with a box, letterboxed into 32x32 (the image fills rows 8..23)
        using var dir = new TempDirectory();
        dir.WriteFile("images/a.png", Gray(40, 20));
        dir.WriteText("labels/a.txt", "0 0.5 0.25 0.5 0.5\n");
        string list = dir.WriteText("list.txt", "images/a.png\n");
        IDataset data = DatasetSpec.Open($"yolo:{list}?size=32&letterbox=1&classes=2");

        // When asking for the boxes before and after reading the sample
        BoundingBox before = data.GetBoxes(0)[0];
        data.ReadSample(0, new float[data.Channels * 32 * 32]);
        BoundingBox after = data.GetBoxes(0)[0];

        // Then x and width are unchanged, y = (0.25 * 16 + 8) / 32 and height = 0.5 * 16 / 32
        before.ShouldBe(after);
        before.X.ShouldBe(0.5f, 1e-6f);
        before.Width.ShouldBe(0.5f, 1e-6f);
        before.Y.ShouldBe(0.375f, 1e-6f);
        before.Height.ShouldBe(0.25f, 1e-6f);
        data.ClassNames.ShouldBe(["0", "1"]);
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.2\n", 1, "class", "expected 'class x y w h' (an integer class and four numbers), found \"0 0.5 0.5 0.2\"")]
    [InlineData("0 0.5 0.5 0.2 0.2\n-1 0.5 0.5 0.2 0.2\n", 2, "class", "expected 'class x y w h' (an integer class and four numbers), found \"-1 0.5 0.5 0.2 0.2\"")]
    [InlineData("\n0 0.5 1.5 0.2 0.2\n", 2, "y", "expected 'y' as a number in 0..1 (relative to the image), found 1.5")]
    [InlineData("0 0.5 0.5 0.2 nan\n", 1, "h", "expected 'h' as a number in 0..1 (relative to the image), found nan")]
    [InlineData("7 0.5 0.5 0.2 0.2\n", 1, "class", "expected a class id below 3, found 7")]
    public void Open_BadLabelLine_ThrowsWithLabelFileAndLine(string labels, int line, string field, string message)
    {
        // Given a label file with a bad line
        using var dir = new TempDirectory();
        dir.WriteFile("images/a.png", Gray(4, 4));
        string labelPath = dir.WriteText("labels/a.txt", labels);
        string list = dir.WriteText("list.txt", "images/a.png\n");

        // When opening, Then the label file, line and field are reported
        var e = Should.Throw<DatasetException>(() => DatasetSpec.Open($"yolo:{list}?classes=3"));
        e.FilePath.ShouldBe(labelPath);
        e.Line.ShouldBe(line);
        e.FieldPath.ShouldBe(field);
        e.Message.ShouldBe(message);
    }

    [Fact]
    public void Open_MissingImageOrNamesMismatch_Throws()
    {
        // Given a list naming a missing image, and a names file of 2 names with classes=3
        using var dir = new TempDirectory();
        string list = dir.WriteText("list.txt", "# val\nimages/none.png\n");
        dir.WriteFile("images/a.png", Gray(4, 4));
        string good = dir.WriteText("good.txt", "images/a.png\n");
        dir.WriteText("n.names", "a\nb\n");

        // When opening, Then each names its problem
        var missing = Should.Throw<DatasetException>(() => DatasetSpec.Open($"yolo:{list}"));
        missing.FilePath.ShouldBe(list);
        missing.Line.ShouldBe(2);
        missing.Message.ShouldBe("expected an image file images/none.png (relative to the list file), found none");
        var names = Should.Throw<DatasetException>(() => DatasetSpec.Open($"yolo:{good}?names={dir.Combine("n.names")}&classes=3"));
        names.FieldPath.ShouldBe("classes");
    }

    [Theory]
    [InlineData("data/images/x.png", "data/labels/x.txt")]
    [InlineData("VOC/JPEGImages/x.jpeg", "VOC/labels/x.txt")]
    [InlineData("images/train/images/x.bmp", "labels/train/images/x.txt")]
    [InlineData("pics/x.ppm", "pics/x.txt")]
    public void LabelPath_ReplacesLikeDarknet(string image, string label)
    {
        // Given an image path, When deriving its label path, Then the first "images" and "JPEGImages" become "labels"
        YoloListReader.LabelPath(image).ShouldBe(label);
    }

    private static byte[] Gray(int width, int height) => PngTestEncoder.Encode(width, height, 0, 8, [.. Enumerable.Range(0, width * height).Select(i => (ushort)(i % 256))]);
}
