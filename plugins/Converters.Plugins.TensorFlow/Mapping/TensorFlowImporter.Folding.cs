using Converters.Ir;
using IrType = Converters.Ir.DataType;

namespace Converters.Plugins.TensorFlow.Mapping;

/// <summary>
/// Constant folding: an element-wise op whose inputs are all constants (such as the Rsqrt / Mul / Sub chain of an
/// unfused batch norm on its parameters) is computed here in float32 with numpy broadcasting, and becomes a constant.
/// </summary>
internal sealed partial class TensorFlowImporter
{
    private static readonly HashSet<string> s_foldable = new(StringComparer.Ordinal)
    {
        "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Rsqrt", "Sqrt", "Square", "Neg", "Reciprocal",
    };

    private bool TryFoldConstants()
    {
        if (!s_foldable.Contains(_node.Op))
        {
            return false;
        }

        List<string> inputs = DataInputs();
        var values = new List<TensorData>();
        for (int i = 0; i < inputs.Count; i++)
        {
            TfValue v = Input(i);
            if (v.Constant is not { DataType: IrType.Float32 } c)
            {
                return false;
            }

            values.Add(c);
        }

        TensorData result = values.Count switch
        {
            1 => Unary(values[0]),
            2 => Binary(values[0], values[1]),
            _ => throw Error("input", $"{_node.Op} of constants takes 1 or 2 inputs, got {values.Count}"),
        };
        _values[_node.Name] = new TfValue(string.Empty, result.Shape, false, result);
        return true;
    }

    private TensorData Unary(TensorData x)
    {
        Func<float, float> f = _node.Op switch
        {
            "Rsqrt" => v => 1f / MathF.Sqrt(v),
            "Sqrt" => MathF.Sqrt,
            "Square" => v => v * v,
            "Neg" => v => -v,
            "Reciprocal" => v => 1f / v,
            _ => throw Error("input", $"{_node.Op} takes two inputs"),
        };
        return TensorData.Create(x.Shape, [.. x.AsSpan<float>().ToArray().Select(f)]);
    }

    private TensorData Binary(TensorData a, TensorData b)
    {
        Func<float, float, float> f = _node.Op switch
        {
            "Add" or "AddV2" => (p, q) => p + q,
            "Sub" => (p, q) => p - q,
            "Mul" => (p, q) => p * q,
            "RealDiv" => (p, q) => p / q,
            "Maximum" => MathF.Max,
            "Minimum" => MathF.Min,
            _ => throw Error("input", $"{_node.Op} takes one input"),
        };

        // numpy broadcasting: align from the last axis; each pair of dimensions is equal or one of them is 1.
        int rank = Math.Max(a.Shape.Rank, b.Shape.Rank);
        int[] da = [.. Enumerable.Repeat(1, rank - a.Shape.Rank), .. a.Shape.Dimensions];
        int[] db = [.. Enumerable.Repeat(1, rank - b.Shape.Rank), .. b.Shape.Dimensions];
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (da[i] != db[i] && da[i] != 1 && db[i] != 1)
            {
                throw Error("input", $"the constant operands {a.Shape} and {b.Shape} do not broadcast");
            }

            dims[i] = Math.Max(da[i], db[i]);
        }

        var shape = TensorShape.Of(dims);
        float[] pa = a.AsSpan<float>().ToArray();
        float[] pb = b.AsSpan<float>().ToArray();
        float[] result = new float[shape.ElementCount];
        int[] index = new int[rank];
        for (long k = 0; k < result.Length; k++)
        {
            long ia = 0, ib = 0;
            for (int i = 0; i < rank; i++)
            {
                ia = (ia * da[i]) + (da[i] == 1 ? 0 : index[i]);
                ib = (ib * db[i]) + (db[i] == 1 ? 0 : index[i]);
            }

            result[k] = f(pa[ia], pb[ib]);
            for (int i = rank - 1; i >= 0 && ++index[i] == dims[i]; i--)
            {
                index[i] = 0;
            }
        }

        return TensorData.Create(shape, result);
    }
}
