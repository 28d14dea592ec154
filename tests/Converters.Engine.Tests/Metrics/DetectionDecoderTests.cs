using Converters.Engine.Metrics;
using Converters.Ir;

namespace Converters.Engine.Tests.Metrics;

public class DetectionDecoderTests
{
    private const float Tolerance = 1e-6f;

    // A 2 x 3 grid (H = 2 rows, W = 3 columns, plane 6) and a 64 x 32 network, so swapped axes show.
    private const int GridH = 2, GridW = 3, Plane = GridH * GridW;

    private static readonly float s_ln2 = MathF.Log(2f);

    /// <summary>Yolo with anchors (10, 14), (20, 30), (40, 50) in pixels, mask [2, 0], 2 classes: 2 x 7 channels.</summary>
    private static Node YoloHead(bool newCoords = false)
    {
        var node = new Node("Yolo", "yolo16", ["15"], ["16"])
            .With("classes", 2)
            .With("anchors", AttributeValue.FromFloats([10, 14, 20, 30, 40, 50]))
            .With("mask", AttributeValue.FromInts(2, 0));
        return newCoords ? node.With("new_coords", 1L) : node;
    }

    /// <summary>Region with 2 anchors (1, 2), (3, 4) in grid cells, 4 coords, 2 classes: 2 x 7 channels.</summary>
    private static Node RegionHead(bool anchors = true)
    {
        var node = new Node("Region", "region30", ["29"], ["30"]).With("classes", 2).With("num", 2);
        return anchors ? node.With("anchors", AttributeValue.FromFloats([1, 2, 3, 4])) : node;
    }

    /// <summary>An output of <paramref name="batch"/> x 14 x 2 x 3 with every objectness at 0.1 and every other entry at 0.5.</summary>
    private static float[] Background(int batch, int objectnessEntry)
    {
        float[] data = new float[batch * 14 * Plane];
        Array.Fill(data, 0.5f);
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < 2; n++)
            {
                data.AsSpan(((b * 14) + (n * 7) + objectnessEntry) * Plane, Plane).Fill(0.1f);
            }
        }

        return data;
    }

    /// <summary>Writes the 7 entries of anchor <paramref name="n"/> at (row, col) of batch item <paramref name="b"/>.</summary>
    private static void Put(float[] data, int b, int n, int row, int col, params float[] entries)
    {
        for (int e = 0; e < entries.Length; e++)
        {
            data[(((b * 14) + (n * 7) + e) * Plane) + (row * GridW) + col] = entries[e];
        }
    }

    private static TensorData Output(float[] data, int batch = 1) => TensorData.Create(TensorShape.Of(batch, 14, GridH, GridW), data);

    private static void ShouldBeClose(Detection actual, Detection expected)
    {
        actual.ClassId.ShouldBe(expected.ClassId);
        actual.Score.ShouldBe(expected.Score, Tolerance);
        actual.X.ShouldBe(expected.X, Tolerance);
        actual.Y.ShouldBe(expected.Y, Tolerance);
        actual.Width.ShouldBe(expected.Width, Tolerance);
        actual.Height.ShouldBe(expected.Height, Tolerance);
    }

    [Fact]
    public void Decode_YoloHandFilledOutput_GivesHandComputedBoxes()
    {
        // Given: entries (tx, ty, tw, th, objectness, class 0, class 1), threshold 0.25
        float[] data = Background(1, 4);
        // anchor 0 (mask 2: 40 x 50 px) at row 1, col 2: obj 0.8, classes 0.75 / 0.1
        Put(data, 0, 0, 1, 2, 0.25f, 0.5f, s_ln2, 0f, 0.8f, 0.75f, 0.1f);
        // anchor 1 (mask 0: 10 x 14 px) at row 0, col 1: obj 0.9, classes 0.2 / 0.5
        Put(data, 0, 1, 0, 1, 0.5f, 0.25f, 0f, -s_ln2, 0.9f, 0.2f, 0.5f);
        // anchor 0 at row 0, col 0: obj 0.5 passes but 0.5 x 0.4 = 0.2 does not
        Put(data, 0, 0, 0, 0, 0.5f, 0.5f, 0f, 0f, 0.5f, 0.4f, 0.4f);
        // anchor 1 at row 1, col 0: obj exactly 0.25 does not pass (strictly above)
        Put(data, 0, 1, 1, 0, 0.5f, 0.5f, 0f, 0f, 0.25f, 1f, 1f);
        var detections = new List<Detection>();

        // When
        DetectionDecoder.Decode(YoloHead(), Output(data), 0, 64, 32, 0.25f, detections);

        // Then: cell-major order (cell 1 before cell 5); x = (col + tx) / 3, y = (row + ty) / 2,
        // w = e^tw * anchorW / 64, h = e^th * anchorH / 32, score = obj * class
        detections.Count.ShouldBe(2);
        // cell (0, 1): class 1 only (0.9 x 0.2 = 0.18 fails): x 1.5/3, y 0.25/2, w 10/64, h 0.5*14/32
        ShouldBeClose(detections[0], new Detection(1, 0.45f, 0.5f, 0.125f, 0.15625f, 0.21875f));
        // cell (1, 2): class 0 only (0.8 x 0.1 fails): x 2.25/3, y 1.5/2, w 2*40/64, h 50/32
        ShouldBeClose(detections[1], new Detection(0, 0.6f, 0.75f, 0.75f, 1.25f, 1.5625f));
    }

    [Fact]
    public void Decode_YoloNewCoords_SizeIsSquaredTimesFourAnchors()
    {
        // Given: new_coords=1: w = tw^2 * 4 * anchorW / netW
        float[] data = Background(1, 4);
        Put(data, 0, 1, 1, 1, 0.5f, 0.5f, 0.5f, 0.25f, 0.9f, 1f, 0f);
        var detections = new List<Detection>();

        // When
        DetectionDecoder.Decode(YoloHead(newCoords: true), Output(data), 0, 64, 32, 0.25f, detections);

        // Then: anchor 1 is mask 0 (10 x 14): w = 0.25 * 4 * 10 / 64, h = 0.0625 * 4 * 14 / 32
        detections.Count.ShouldBe(1);
        ShouldBeClose(detections[0], new Detection(0, 0.9f, 0.5f, 0.75f, 10f / 64, 3.5f / 32));
    }

    [Fact]
    public void Decode_SecondBatchItem_ReadsOnlyThatItem()
    {
        // Given: batch 2, a box in item 0 and another in item 1
        float[] data = Background(2, 4);
        Put(data, 0, 0, 0, 0, 0.5f, 0.5f, 0f, 0f, 0.9f, 1f, 0f);
        Put(data, 1, 0, 1, 1, 0.5f, 0.5f, 0f, 0f, 0.9f, 0f, 1f);
        var detections = new List<Detection>();

        // When
        DetectionDecoder.Decode(YoloHead(), Output(data, 2), 1, 64, 32, 0.25f, detections);

        // Then: only item 1's box (class 1 at cell (1, 1))
        detections.Count.ShouldBe(1);
        ShouldBeClose(detections[0], new Detection(1, 0.9f, 0.5f, 0.75f, 40f / 64, 50f / 32));
    }

    [Fact]
    public void Decode_AppendsToDestination()
    {
        // Given: a list that already holds a detection
        float[] data = Background(1, 4);
        Put(data, 0, 0, 0, 0, 0.5f, 0.5f, 0f, 0f, 0.9f, 1f, 0f);
        var earlier = new Detection(3, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f);
        List<Detection> detections = [earlier];

        // When
        DetectionDecoder.Decode(YoloHead(), Output(data), 0, 64, 32, 0.25f, detections);

        // Then
        detections.Count.ShouldBe(2);
        detections[0].ShouldBe(earlier);
    }

    [Fact]
    public void Decode_RegionHandFilledOutput_GivesHandComputedBoxesInGridUnits()
    {
        // Given: Region entries (tx, ty, tw, th, objectness, class 0, class 1), threshold 0.3
        float[] data = Background(1, 4);
        // anchor 1 (3 x 4 cells) at row 1, col 0: obj 0.8, classes 0.5 / 0.5 (softmax output)
        Put(data, 0, 1, 1, 0, 0.75f, 0.25f, s_ln2, 0f, 0.8f, 0.5f, 0.5f);
        // anchor 0 (1 x 2 cells) at row 0, col 2: obj 0.6, classes 0.25 / 0.75
        Put(data, 0, 0, 0, 2, 0f, 1f, 0f, -s_ln2, 0.6f, 0.25f, 0.75f);
        var detections = new List<Detection>();

        // When: the network size does not enter a region box
        DetectionDecoder.Decode(RegionHead(), Output(data), 0, 64, 32, 0.3f, detections);

        // Then: x = (col + tx) / 3, y = (row + ty) / 2, w = e^tw * anchorW / 3, h = e^th * anchorH / 2
        detections.Count.ShouldBe(3);
        // cell (0, 2), anchor 0: class 1 only (0.6 x 0.25 = 0.15 fails): x 2/3, y 1/2, w 1/3, h 0.5 * 2 / 2
        ShouldBeClose(detections[0], new Detection(1, 0.45f, 2f / 3, 0.5f, 1f / 3, 0.5f));
        // cell (1, 0), anchor 1: both classes at 0.4: x 0.75/3, y 1.25/2, w 2 * 3 / 3, h 4 / 2
        ShouldBeClose(detections[1], new Detection(0, 0.4f, 0.25f, 0.625f, 2f, 2f));
        ShouldBeClose(detections[2], new Detection(1, 0.4f, 0.25f, 0.625f, 2f, 2f));
    }

    [Fact]
    public void Decode_RegionWithoutAnchors_UsesHalfACell()
    {
        // Given: no anchors attribute (Darknet's biases default to 0.5)
        float[] data = Background(1, 4);
        Put(data, 0, 1, 0, 0, 0.5f, 0.5f, 0f, 0f, 0.9f, 1f, 0f);
        var detections = new List<Detection>();

        // When
        DetectionDecoder.Decode(RegionHead(anchors: false), Output(data), 0, 64, 32, 0.3f, detections);

        // Then: w = 0.5 / 3, h = 0.5 / 2
        detections.Count.ShouldBe(1);
        ShouldBeClose(detections[0], new Detection(0, 0.9f, 0.5f / 3, 0.25f, 0.5f / 3, 0.25f));
    }

    [Fact]
    public void Decode_NotADetectionHead_Throws()
    {
        // Given
        var conv = new Node("Conv", "conv1", ["x", "w"], ["y"]);

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(conv, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("head");
        e.Message.ShouldStartWith("Conv 'conv1' (domain '') is not a detection head");
    }

    [Fact]
    public void Decode_MaskOutOfRange_ThrowsNamingTheAttribute()
    {
        // Given: mask index 3 of 3 anchors
        Node head = YoloHead().With("mask", AttributeValue.FromInts(2, 3));

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(head, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("head");
        e.Message.ShouldStartWith("Yolo 'yolo16': attribute 'mask' must be a non-empty list of indices into the 3 anchors, got [2, 3].");
    }

    [Fact]
    public void Decode_AttributeOfTheWrongKind_ThrowsNamingTheHead()
    {
        // Given: 'classes' as a string
        Node head = YoloHead().With("classes", "two");

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(head, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("head");
        e.Message.ShouldStartWith("Yolo 'yolo16': ");
        e.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public void Decode_RegionWithClassTree_ThrowsNamingTheAttribute()
    {
        // Given: YOLO9000-style grouped classes
        Node head = RegionHead().With("group_sizes", AttributeValue.FromInts(2));

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(head, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("head");
        e.Message.ShouldStartWith("Region 'region30': attribute 'group_sizes' (YOLO9000's class tree) needs Darknet's hierarchical decoding");
    }

    [Fact]
    public void Decode_RegionAnchorCountWrong_Throws()
    {
        // Given: 3 values for num = 2
        Node head = RegionHead().With("anchors", AttributeValue.FromFloats([1, 2, 3]));

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(head, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("head");
        e.Message.ShouldContain("attribute 'anchors' must hold 4 values");
    }

    [Fact]
    public void Decode_ChannelCountDoesNotMatchTheHead_Throws()
    {
        // Given: 3 classes need 2 x 8 channels, the output has 14
        Node head = YoloHead().With("classes", 3);

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(head, Output(Background(1, 4)), 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("output");
        e.Message.ShouldStartWith("Yolo 'yolo16': the output must be N x 16 x H x W (2 anchors x 8 entries), got shape");
    }

    [Fact]
    public void Decode_OutputNotFloat32_Throws()
    {
        // Given
        TensorData ints = TensorData.Zeros(DataType.Int32, TensorShape.Of(1, 14, GridH, GridW));

        // When
        var e = Should.Throw<ArgumentException>(() => DetectionDecoder.Decode(YoloHead(), ints, 0, 64, 32, 0.25f, []));

        // Then
        e.ParamName.ShouldBe("output");
    }

    [Theory]
    [InlineData(1, 64, 32, 0.25f, "batchIndex")]
    [InlineData(-1, 64, 32, 0.25f, "batchIndex")]
    [InlineData(0, 0, 32, 0.25f, "networkWidth")]
    [InlineData(0, 64, -1, 0.25f, "networkHeight")]
    [InlineData(0, 64, 32, float.NaN, "threshold")]
    [InlineData(0, 64, 32, -0.1f, "threshold")]
    public void Decode_ArgumentOutOfRange_Throws(int batchIndex, int width, int height, float threshold, string parameter)
    {
        // When
        var e = Should.Throw<ArgumentOutOfRangeException>(() => DetectionDecoder.Decode(YoloHead(), Output(Background(1, 4)), batchIndex, width, height, threshold, []));

        // Then
        e.ParamName.ShouldBe(parameter);
    }
}
