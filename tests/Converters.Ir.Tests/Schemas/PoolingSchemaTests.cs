using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Schemas;

public sealed class PoolingSchemaTests
{
    [Theory]
    // Darknet maxpool size=2 stride=2: padding = size - 1 = 1 total, 0 before, 1 after: (416 + 1 - 2)/2 + 1 = 208
    [InlineData(416, 2, 2, 0, 1, 0, 208)]
    // yolov3-tiny layer 11: maxpool size=2 stride=1 on 13: (13 + 1 - 2)/1 + 1 = 13
    [InlineData(13, 2, 1, 0, 1, 0, 13)]
    // Darknet on odd input 13, size 2 stride 2: (13 + 1 - 2)/2 + 1 = 7
    [InlineData(13, 2, 2, 0, 1, 0, 7)]
    // Caffe ceil: GoogLeNet 3x3/2 on 112: ceil(109 / 2) + 1 = 56
    [InlineData(112, 3, 2, 0, 0, 1, 56)]
    // Floor on the same: 109 / 2 + 1 = 55
    [InlineData(112, 3, 2, 0, 0, 0, 55)]
    // Caffe ceil with pad 1 on 5, 2x2/2: ceil(5 / 2) + 1 = 4, but the 4th window would start at 6 >= 5 + 1 -> clipped to 3
    [InlineData(5, 2, 2, 1, 1, 1, 3)]
    // Caffe ceil with pad 1 on 7, 3x3/2: ceil(6 / 2) + 1 = 4; 4th window starts at 6 < 8 -> kept
    [InlineData(7, 3, 2, 1, 1, 1, 4)]
    public void Pool_Geometry_InfersOutputSize(int size, int k, int s, int padBefore, int padAfter, int ceil, int expected)
    {
        foreach (string op in new[] { "MaxPool", "AveragePool" })
        {
            Graph g = Single(
                op,
                S(1, 4, size, size),
                Ints("kernel_shape", k, k),
                Ints("strides", s, s),
                Ints("pads", padBefore, padBefore, padAfter, padAfter),
                A("ceil_mode", (long)ceil));
            Infer(g).ShouldBe(S(1, 4, expected, expected), op);
        }
    }

    [Fact]
    public void Pool_MissingKernel_IsRequired()
    {
        Graph g = Single("MaxPool", S(1, 4, 8, 8));
        IrValidationException ex = Should.Throw<IrValidationException>(() => ShapeInference.Run(g));
        ex.Message.ShouldBe("MaxPool 'n': attribute 'kernel_shape'=(absent) is required");
        ex.AttributeName.ShouldBe("kernel_shape");
    }

    [Fact]
    public void Pool_KernelLargerThanInput_NamesKernel()
    {
        Graph g = Single("AveragePool", S(1, 4, 2, 2), Ints("kernel_shape", 3, 3));
        Should.Throw<IrValidationException>(() => ShapeInference.Run(g)).AttributeName.ShouldBe("kernel_shape");
    }

    [Theory]
    [InlineData("GlobalAveragePool")]
    [InlineData("GlobalMaxPool")]
    public void GlobalPool_ReducesSpatial(string op)
    {
        Infer(Single(op, S(2, 1024, 7, 9))).ShouldBe(S(2, 1024, 1, 1));
    }
}
