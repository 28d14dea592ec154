using System.Numerics;
using Converters.Engine.Kernels;
using Converters.Ir;
using static Converters.Engine.Tests.OpHarness;

namespace Converters.Engine.Tests;

/// <summary>
/// Darknet's hierarchical softmax (<c>tree=</c>): <see cref="Normalization.GroupedSoftmax"/>, the
/// Softmax op's <c>group_sizes</c> and the Region op's <c>group_sizes</c> against scalar references
/// written from the definition (each contiguous group normalised on its own, in double).
/// </summary>
[Trait("Category", "Kernel")]
public class HierarchicalSoftmaxTests
{
    private static readonly int s_lanes = Vector<float>.Count;

    /// <summary>Scalar reference: exp(x - max) / sum over each group of the middle axis, per outer and inner index.</summary>
    private static float[] Reference(float[] x, int outer, int axis, int inner, int[] groups)
    {
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
        {
            int start = 0;
            foreach (int size in groups)
            {
                for (int i = 0; i < inner; i++)
                {
                    int At(int k) => (((o * axis) + start + k) * inner) + i;
                    double max = double.NegativeInfinity;
                    for (int k = 0; k < size; k++)
                    {
                        max = Math.Max(max, x[At(k)]);
                    }

                    double sum = 0;
                    for (int k = 0; k < size; k++)
                    {
                        sum += Math.Exp(x[At(k)] - max);
                    }

                    for (int k = 0; k < size; k++)
                    {
                        y[At(k)] = (float)(Math.Exp(x[At(k)] - max) / sum);
                    }
                }

                start += size;
            }
        }

        return y;
    }

    public static TheoryData<int, int, string> Shapes()
    {
        var data = new TheoryData<int, int, string>();
        foreach (int inner in new[] { 1, 2, s_lanes - 1, s_lanes, s_lanes + 1, 13 }.Where(i => i > 0).Distinct())
        {
            data.Add(1, inner, "1");
            data.Add(2, inner, "3,1,5,2");
        }

        data.Add(3, 1, string.Join(',', Enumerable.Repeat(1, s_lanes + 1)));
        data.Add(1, 1, $"{s_lanes - 1},{s_lanes},{s_lanes + 1},{(2 * s_lanes) + 3}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GroupedSoftmax_EdgeSizes_MatchesScalarReference(int outer, int inner, string sizes)
    {
        // Given: groups of assorted sizes along the middle axis, logits of a few tens
        int[] groups = [.. sizes.Split(',').Select(int.Parse)];
        int axis = groups.Sum();
        float[] x = Tolerance.Random(outer * axis * inner, 71, 30f);
        float[] expected = Reference(x, outer, axis, inner, groups);

        // When
        var y = new float[x.Length];
        Normalization.GroupedSoftmax(x, outer, axis, inner, groups, new float[2 * inner], y);

        // Then: each group sums to one on its own, and every value equals the reference
        Tolerance.ShouldMatch(y, expected, 1e-6, $"outer {outer}, inner {inner}, groups {sizes}");
        y.All(float.IsFinite).ShouldBeTrue();
    }

    [Fact]
    public void GroupedSoftmax_InPlace_MatchesScalarReference()
    {
        // Given
        int[] groups = [4, 1, 7];
        float[] x = Tolerance.Random(2 * 12 * 3, 72, 10f);
        float[] expected = Reference(x, 2, 12, 3, groups);

        // When: destination is the input
        Normalization.GroupedSoftmax(x, 2, 12, 3, groups, new float[6], x);

        // Then
        Tolerance.ShouldMatch(x, expected, 1e-6);
    }

    [Theory]
    [InlineData("3,3", 7, "sum to 6")]
    [InlineData("3,0,4", 7, "positive")]
    public void GroupedSoftmax_SizesNotCoveringTheAxis_Throws(string sizes, int axis, string message)
    {
        // Given
        int[] groups = [.. sizes.Split(',').Select(int.Parse)];
        var x = new float[axis];

        // When
        Exception ex = Should.Throw<ArgumentException>(() => Normalization.GroupedSoftmax(x, 1, axis, 1, groups, new float[2], x));

        // Then
        ex.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void SoftmaxOp_GroupSizes_NormalisesEachGroupAfterTheTemperature(double temperature)
    {
        // Given: a 1 x 10 x 1 x 1 input (Darknet's [softmax] after [avgpool]) and groups 4, 1, 5
        Arg x = In([2, 10, 1, 1], 73, 8f);
        int[] groups = [4, 1, 5];
        float[] scaled = [.. x.F().Select(v => (float)(v / temperature))];
        float[] expected = Reference(scaled, 2, 10, 1, groups);

        // When
        TensorData y = Run("Softmax", [x], ("axis", 1L), ("temperature", temperature), ("group_sizes", AttributeValue.FromInts(4, 1, 5)))[0];

        // Then: the one-element group is exactly 1, each group sums to 1
        Tolerance.ShouldMatch(y.F(), expected, 1e-6);
        y.F()[4].ShouldBe(1f);
        y.F().Take(4).Sum().ShouldBe(1f, 1e-5f);
    }

    [Fact]
    public void RegionOp_GroupSizes_LogisticOnBoxAndObjectnessSoftmaxPerGroupPerPosition()
    {
        // Given: 2 images, 2 anchors, 4 coords, 6 classes in groups 2, 3, 1, on a 3 x 2 grid
        const int classes = 6, coords = 4, num = 2, plane = 6, per = coords + classes + 1;
        int[] groups = [2, 3, 1];
        Arg x = In([2, num * per, 2, 3], 74, 4f);
        float[] xs = x.F();
        var expected = (float[])xs.Clone();
        for (int block = 0; block < 2 * num; block++)
        {
            int off = block * per * plane;
            foreach (int e in new[] { 0, 1, coords })
            {
                for (int p = 0; p < plane; p++)
                {
                    expected[off + (e * plane) + p] = (float)(1 / (1 + Math.Exp(-xs[off + (e * plane) + p])));
                }
            }

            float[] cls = xs.AsSpan(off + ((coords + 1) * plane), classes * plane).ToArray();
            Reference(cls, 1, classes, plane, groups).CopyTo(expected, off + ((coords + 1) * plane));
        }

        // When (softmax=1 is overridden by the groups)
        TensorData y = Run("Region", [x], ("classes", (long)classes), ("coords", (long)coords), ("num", (long)num), ("softmax", 1L), ("group_sizes", AttributeValue.FromInts(2, 3, 1)))[0];

        // Then: w and h stay raw, the last one-class group is 1 everywhere
        Tolerance.ShouldMatch(y.F(), expected, 1e-6);
        y.F()[(2 * plane) + 1].ShouldBe(xs[(2 * plane) + 1]);
        y.F()[((coords + 1 + 5) * plane) + 3].ShouldBe(1f);
    }
}
