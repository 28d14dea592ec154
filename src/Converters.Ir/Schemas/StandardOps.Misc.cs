namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Misc()
    {
        yield return new OpSchema("Gemm")
        {
            Summary = "Y = alpha * op(A) * op(B) + beta * C, op transposing when transA/transB (InnerProduct, [connected], MatMul + BiasAdd).",
            Inputs = [new("A"), new("B", InputRole.Weight), new("C", InputRole.Bias, Optional: true)],
            Attributes =
            [
                AttributeSpec.Optional("transA", 0L, "1: use A transposed."),
                AttributeSpec.Optional("transB", 0L, "1: use B transposed (Caffe/Darknet store weights as outputs x inputs)."),
                AttributeSpec.Optional("alpha", 1.0, "Multiplier of the product."),
                AttributeSpec.Optional("beta", 1.0, "Multiplier of C."),
            ],
            InferShapes = InferGemm,
            CountMacs = c =>
            {
                TensorShape a = c.InputShape(0);
                TensorShape y = c.OutputShape(0);
                long k = c.GetInt("transA") != 0 ? a[0] : a[1];
                return y.ElementCount * k;
            },
        };

        yield return new OpSchema("Softmax")
        {
            Summary = "exp(x / t) / sum(exp(x / t)) along axis, t the temperature (1 except for Darknet's [softmax] temperature); with group_sizes, separately over each contiguous group of the axis (Darknet's hierarchical softmax 'tree').",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Optional("axis", 1L, "The axis normalised; negative counts from the end."),
                AttributeSpec.Optional("temperature", 1.0, "The input is divided by it first; positive."),
                AttributeSpec.OptionalNoDefault("group_sizes", AttributeKind.Ints, "Hierarchical softmax: the axis split into contiguous groups of these sizes (positive, summing to the axis length), each normalised on its own; absent: one group."),
            ],
            InferShapes = c =>
            {
                int axis = Axis(c, "axis", c.GetInt("axis"), c.InputShape(0).Rank);
                double t = c.GetFloat("temperature");
                if (!(t > 0) || double.IsInfinity(t))
                {
                    throw c.FailAttribute("temperature", "must be a positive finite number");
                }

                GroupSizes(c, "group_sizes", c.InputShape(0)[axis], "the softmax axis");
                SameAsInput(c);
            },
        };
    }

    private static void InferGemm(InferenceContext c)
    {
        TensorShape a = RequireRank(c, 0, 2, "M x K");
        TensorShape b = RequireRank(c, 1, 2, "K x N");
        bool ta = c.GetInt("transA") != 0;
        bool tb = c.GetInt("transB") != 0;
        int m = ta ? a[1] : a[0];
        int k = ta ? a[0] : a[1];
        int kb = tb ? b[1] : b[0];
        int n = tb ? b[0] : b[1];
        if (k != kb)
        {
            throw c.Fail($"A {a}{(ta ? " transposed" : string.Empty)} and B {b}{(tb ? " transposed" : string.Empty)} have inner sizes {k} and {kb}");
        }

        if (c.HasInput(2))
        {
            TensorShape bias = c.InputShape(2);
            bool ok = (bias.Rank == 1 && (bias[0] == n || bias[0] == 1))
                || (bias.Rank == 2 && (bias[0] == m || bias[0] == 1) && (bias[1] == n || bias[1] == 1));
            if (!ok)
            {
                throw c.Fail($"input 'C' of shape {bias} does not broadcast to the output {m}x{n}");
            }
        }

        c.SetOutput(0, TensorShape.Of(m, n));
    }
}
