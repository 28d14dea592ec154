using Converters.Ir;
using static Converters.Engine.Tests.Training.GradientCheck;

namespace Converters.Engine.Tests.Training.Kernels;

/// <summary>Add, Sub, Mul, Div, Max, Min with NumPy broadcasting: the gradient of a broadcast operand sums over its broadcast axes.</summary>
[Trait("Category", "Kernel")]
public class BinaryTrainingKernelTests
{
    public static TheoryData<string, int[], int[]> Cases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div", "Max", "Min" })
        {
            data.Add(op, [2, 3, 7, 5], [2, 3, 7, 5]);
            data.Add(op, [2, 3, 7, 5], [3, 1, 5]);
            data.Add(op, [1, 3, 1, 5], [2, 1, 7, 1]);
            data.Add(op, [2, 3, 7, 5], [1]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_Broadcasting_MatchesFiniteDifferences(string op, int[] aShape, int[] bShape)
    {
        // Given a binary op on broadcast shapes, B kept away from 0 (Div) and from A's values (Max, Min)
        Model model = OneNode(op, [new Arg("a", aShape), new Arg("b", bShape)], []);
        int bn = bShape.Aggregate(1, (p, d) => p * d);
        float[] b = Grid(bn, 17, 1f, op == "Div" ? 2f : 0.003f);
        int rank = Math.Max(aShape.Length, bShape.Length);
        int[] outShape = [.. Enumerable.Range(0, rank).Select(d => Math.Max(Dim(aShape, d, rank), Dim(bShape, d, rank)))];
        Func<double, double, double> f = op switch
        {
            "Add" => (x, y) => x + y,
            "Sub" => (x, y) => x - y,
            "Mul" => (x, y) => x * y,
            "Div" => (x, y) => x / y,
            "Max" => Math.Max,
            _ => Math.Min,
        };

        // When / Then
        GradientCheck.Run(model, a => Broadcast(a[0], aShape, a[1], bShape, outShape, f), new Options { Values = new Dictionary<string, float[]> { ["b"] = b } });
    }

    private static int Dim(int[] shape, int d, int rank) => d < rank - shape.Length ? 1 : shape[d - (rank - shape.Length)];

    private static double[] Broadcast(double[] a, int[] aShape, double[] b, int[] bShape, int[] outShape, Func<double, double, double> f)
    {
        int rank = outShape.Length;
        int total = outShape.Aggregate(1, (p, d) => p * d);
        var y = new double[total];
        var index = new int[rank];
        for (int i = 0; i < total; i++)
        {
            int rest = i;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rest % outShape[d];
                rest /= outShape[d];
            }

            y[i] = f(a[Flat(index, aShape, rank)], b[Flat(index, bShape, rank)]);
        }

        return y;
    }

    private static int Flat(int[] index, int[] shape, int rank)
    {
        int flat = 0;
        for (int d = 0; d < rank; d++)
        {
            int dim = Dim(shape, d, rank);
            flat = (flat * dim) + (dim == 1 ? 0 : index[d]);
        }

        return flat;
    }
}
