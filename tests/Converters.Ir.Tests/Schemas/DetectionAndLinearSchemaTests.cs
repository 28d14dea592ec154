using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class DetectionAndLinearSchemaTests
{
    private static readonly double[] s_yoloAnchors = [10, 13, 16, 30, 33, 23, 30, 61, 62, 45, 59, 119, 116, 90, 156, 198, 373, 326];

    [Fact]
    public void Yolo_Coco_255Channels()
    {
        // 3 masked anchors x (80 classes + 5) = 255
        Graph g = Single("Yolo", S(1, 255, 13, 13), A("classes", 80L), Floats("anchors", s_yoloAnchors), Ints("mask", 6, 7, 8));
        Infer(g).ShouldBe(S(1, 255, 13, 13));
    }

    [Fact]
    public void Yolo_ChannelsNotMatchingClasses_NamesClasses()
    {
        Graph g = Single("Yolo", S(1, 255, 13, 13), A("classes", 20L), Floats("anchors", s_yoloAnchors), Ints("mask", 6, 7, 8));
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));
        ex.AttributeName.ShouldBe("classes");
        ex.Message.ShouldBe("Yolo 'n': attribute 'classes'=20 with 3 masked anchors needs 75 input channels (3 x (classes + 5)), input has 255");
    }

    [Fact]
    public void Yolo_MaskOutOfRange_NamesMask()
    {
        Graph g = Single("Yolo", S(1, 255, 13, 13), A("classes", 80L), Floats("anchors", 10, 13), Ints("mask", 0, 1, 2));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).Message.ShouldBe("Yolo 'n': attribute 'mask'=[0, 1, 2] must index the 1 anchors");
    }

    [Fact]
    public void Region_Voc_125Channels()
    {
        // yolov2-voc: 5 anchors x (4 + 20 + 1) = 125
        Graph g = Single("Region", S(1, 125, 13, 13), A("classes", 20L), A("num", 5L), Floats("anchors", 1.08, 1.19, 3.42, 4.41, 6.63, 11.38, 9.42, 5.11, 16.62, 10.52), A("softmax", 1L));
        Infer(g).ShouldBe(S(1, 125, 13, 13));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Region", S(1, 125, 13, 13), A("classes", 20L), A("num", 4L))))
            .AttributeName.ShouldBe("num");
    }

    [Fact]
    public void Gemm_InnerProductLayout()
    {
        // Caffe InnerProduct: x (N x K) times W^T where W is (M x K).
        Infer(Single("Gemm", S(2, 9216), [S(4096, 9216), S(4096)], A("transB", 1L))).ShouldBe(S(2, 4096));
        Infer(Single("Gemm", S(2, 9216), [S(9216, 10)])).ShouldBe(S(2, 10));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Gemm", S(2, 100), [S(10, 99)], A("transB", 1L))))
            .Message.ShouldBe("Gemm 'n': A 2x100 and B 10x99 transposed have inner sizes 100 and 99");
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Gemm", S(2, 100), [S(10, 100), S(7)], A("transB", 1L))))
            .Message.ShouldContain("input 'C' of shape 7 does not broadcast to the output 2x10");
    }

    [Fact]
    public void Softmax_AxisChecked()
    {
        Infer(Single("Softmax", S(1, 1000))).ShouldBe(S(1, 1000));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Softmax", S(1, 1000), A("axis", 3L)))).AttributeName.ShouldBe("axis");
        Infer(Single("Softmax", S(1, 10), A("temperature", 3.0))).ShouldBe(S(1, 10));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(Single("Softmax", S(1, 10), A("temperature", 0.0))))
            .Message.ShouldBe("Softmax 'n': attribute 'temperature'=0 must be a positive finite number");
    }
}
