using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class TensorSchemaTests
{
    [Fact]
    public void Concat_ChannelAxis_AddsChannels()
    {
        // yolov3 layer 86: route -1, 61 -> 256 + 512 channels at 26x26.
        Infer(Single("Concat", [S(1, 256, 26, 26), S(1, 512, 26, 26)], [])).ShouldBe(S(1, 768, 26, 26));
        Infer(Single("Concat", [S(2, 3), S(5, 3)], [], 1, A("axis", 0L))).ShouldBe(S(7, 3));
        Infer(Single("Concat", [S(2, 3), S(2, 4)], [], 1, A("axis", -1L))).ShouldBe(S(2, 7));
    }

    [Fact]
    public void Concat_MismatchOffAxis_Fails()
    {
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Concat", [S(1, 256, 26, 26), S(1, 512, 13, 13)], [])))
            .Message.ShouldBe("Concat 'n': input 1 has shape 1x512x13x13, which differs from input 0 (1x256x26x26) off axis 1");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Concat", [S(1, 2)], [], 1, A("axis", 2L))))
            .AttributeName.ShouldBe("axis");
    }

    [Fact]
    public void Slice_RouteGroups_TakesSecondHalf()
    {
        // yolov4-tiny [route] layers=-1 groups=2 group_id=1 on 64 channels: channels [32, 64).
        Graph g = Single("Slice", S(1, 64, 104, 104), Ints("axes", 1), Ints("starts", 32), Ints("ends", 64));
        Infer(g).ShouldBe(S(1, 32, 104, 104));
    }

    [Fact]
    public void Slice_NegativeClampedAndStepped()
    {
        Graph g = Single("Slice", S(1, 10, 8, 8), Ints("axes", 1, -1), Ints("starts", -4, 0), Ints("ends", 1000, 8), Ints("steps", 1, 3));
        Infer(g).ShouldBe(S(1, 4, 8, 3));
    }

    [Fact]
    public void Slice_Empty_Fails()
    {
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Slice", S(1, 10), Ints("axes", 1), Ints("starts", 5), Ints("ends", 5))))
            .Message.ShouldContain("select nothing on axis 1");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Slice", S(1, 10), Ints("axes", 1), Ints("starts", 0, 1), Ints("ends", 5))))
            .AttributeName.ShouldBe("starts");
    }

    [Fact]
    public void Split_BySizesAndEqually()
    {
        Graph bySizes = Single("Split", [S(1, 10, 4, 4)], [], 2, Ints("split", 3, 7));
        ShapeInference.Run(bySizes);
        bySizes.ValueInfos["y0"].Shape.ShouldBe(S(1, 3, 4, 4));
        bySizes.ValueInfos["y1"].Shape.ShouldBe(S(1, 7, 4, 4));

        Graph equal = Single("Split", [S(1, 12, 4, 4)], [], 3);
        ShapeInference.Run(equal);
        equal.ValueInfos["y2"].Shape.ShouldBe(S(1, 4, 4, 4));

        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Split", [S(1, 10, 4, 4)], [], 3)))
            .Message.ShouldBe("Split 'n': axis 1 of size 10 does not split into 3 equal parts");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Split", [S(1, 10, 4, 4)], [], 2, Ints("split", 3, 6))))
            .AttributeName.ShouldBe("split");
    }

    [Fact]
    public void Flatten_AndReshape()
    {
        Infer(Single("Flatten", S(2, 256, 6, 6))).ShouldBe(S(2, 9216));
        Infer(Single("Flatten", S(2, 256, 6, 6), A("axis", 0L))).ShouldBe(S(1, 18432));
        Infer(Single("Reshape", S(2, 256, 6, 6), Ints("shape", 0, -1))).ShouldBe(S(2, 9216));
        Infer(Single("Reshape", S(1, 12), Ints("shape", 3, 2, 2))).ShouldBe(S(3, 2, 2));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Reshape", S(1, 12), Ints("shape", 5, -1))))
            .Message.ShouldBe("Reshape 'n': attribute 'shape'=[5, -1] cannot hold the 12 elements of 1x12");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Reshape", S(1, 12), Ints("shape", -1, -1))))
            .Message.ShouldContain("more than one -1");
    }

    [Fact]
    public void Transpose_PermutesOrReverses()
    {
        Infer(Single("Transpose", S(1, 3, 4, 5), Ints("perm", 0, 2, 3, 1))).ShouldBe(S(1, 4, 5, 3));
        Infer(Single("Transpose", S(2, 3, 4))).ShouldBe(S(4, 3, 2));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Transpose", S(2, 3, 4), Ints("perm", 0, 0, 1))))
            .AttributeName.ShouldBe("perm");
    }

    [Fact]
    public void Pad_AddsBeginsAndEnds()
    {
        Infer(Single("Pad", S(1, 3, 224, 224), Ints("pads", 0, 0, 1, 2, 0, 0, 3, 4))).ShouldBe(S(1, 3, 228, 230));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Pad", S(1, 3, 4, 4), Ints("pads", 1, 1))))
            .Message.ShouldBe("Pad 'n': attribute 'pads'=[1, 1] must have 8 values (2 x rank), got 2");
    }

    [Fact]
    public void Upsample_MultipliesSpatial()
    {
        Infer(Single("Upsample", S(1, 256, 13, 13), Ints("scales", 2, 2))).ShouldBe(S(1, 256, 26, 26));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Upsample", S(1, 256, 13, 13), Ints("scales", 0, 2))))
            .AttributeName.ShouldBe("scales");
    }

    [Fact]
    public void Reorg_SpaceToDepth_DepthToSpace()
    {
        // yolov2 [reorg] stride=2 on 26x26x64 -> 13x13x256
        Infer(Single("Reorg", S(1, 64, 26, 26))).ShouldBe(S(1, 256, 13, 13));
        Infer(Single("Reorg", S(1, 256, 13, 13), A("reverse", 1L))).ShouldBe(S(1, 64, 26, 26));
        Infer(Single("SpaceToDepth", S(1, 3, 8, 8), A("blocksize", 4L))).ShouldBe(S(1, 48, 2, 2));
        Infer(Single("DepthToSpace", S(1, 48, 2, 2), A("blocksize", 4L))).ShouldBe(S(1, 3, 8, 8));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Reorg", S(1, 64, 13, 13))))
            .Message.ShouldBe("Reorg 'n': attribute 'stride'=2 does not divide the input height and width 13x13");
    }
}
