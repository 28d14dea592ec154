namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Elementwise()
    {
        yield return Binary("Add", "a + b with NumPy broadcasting.");
        yield return Binary("Sub", "a - b with NumPy broadcasting.");
        yield return Binary("Mul", "a * b with NumPy broadcasting (Darknet [sam]).");
        yield return Binary("Div", "a / b with NumPy broadcasting.");
        yield return Binary("Max", "max(a, b) with NumPy broadcasting.");
        yield return Binary("Min", "min(a, b) with NumPy broadcasting.");

        yield return new OpSchema("Shortcut")
        {
            Summary = "Darknet [shortcut]: out = w0*X0 + sum(wi*Xi) over the overlap of channels and H/W (strided when sizes differ); output shaped like X0. Optional weights per input or per input and channel.",
            Inputs = [new("X0"), new("X", Variadic: true)],
            Attributes =
            [
                AttributeSpec.Optional("weights_type", "none", "'none', 'per_feature' (one weight per input) or 'per_channel' (per input and channel); the weights initializer is the last input."),
                AttributeSpec.Optional("weights_normalization", "none", "'none', 'relu', 'avg_relu' or 'softmax' (AlexeyAB)."),
                AttributeSpec.Optional("alpha", 1.0, "Multiplier of X0 (pjreddie)."),
                AttributeSpec.Optional("beta", 1.0, "Multiplier of the other inputs (pjreddie)."),
            ],
            InferShapes = InferShortcut,
        };

        yield return new OpSchema("ScaleChannels")
        {
            Summary = "X * S broadcast over H and W (squeeze-excite; Darknet [scale_channels]); with scale_wh, S is N x 1 x H x W broadcast over channels.",
            Inputs = [new("X"), new("S")],
            Attributes = [AttributeSpec.Optional("scale_wh", 0L, "1: S scales positions instead of channels.")],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                TensorShape s = RequireRank(c, 1, 4, "NCHW");
                bool wh = c.GetInt("scale_wh") != 0;
                TensorShape expected = wh ? TensorShape.Of(x[0], 1, x[2], x[3]) : TensorShape.Of(x[0], x[1], 1, 1);
                if (s != expected)
                {
                    throw c.Fail($"input 'S' must have shape {expected}, got {s}");
                }

                SameAsInput(c);
            },
        };
    }

    private static OpSchema Binary(string opType, string summary) => new(opType)
    {
        Summary = summary,
        Inputs = [new("A"), new("B")],
        InferShapes = c => c.SetOutput(0, Broadcast(c, c.InputShape(0), c.InputShape(1))),
    };

    /// <summary>The NumPy broadcast of two shapes.</summary>
    private static TensorShape Broadcast(InferenceContext c, TensorShape a, TensorShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw c.Fail($"shapes {a} and {b} do not broadcast (axis {i}: {da} vs {db})");
            }

            dims[i] = da == 1 ? db : da;
        }

        return new TensorShape(dims);
    }

    private static void InferShortcut(InferenceContext c)
    {
        TensorShape x0 = RequireRank(c, 0, 4, "NCHW");
        string weightsType = c.GetString("weights_type");
        if (weightsType is not ("none" or "per_feature" or "per_channel"))
        {
            throw c.FailAttribute("weights_type", "must be 'none', 'per_feature' or 'per_channel'");
        }

        if (c.GetString("weights_normalization") is not ("none" or "relu" or "avg_relu" or "softmax"))
        {
            throw c.FailAttribute("weights_normalization", "must be 'none', 'relu', 'avg_relu' or 'softmax'");
        }

        int featureInputs = weightsType == "none" ? c.InputCount : c.InputCount - 1;
        if (featureInputs < 2)
        {
            throw c.Fail("needs X0 and at least one more input to add");
        }

        for (int i = 1; i < featureInputs; i++)
        {
            TensorShape xi = RequireRank(c, i, 4, "NCHW");
            if (xi[0] != x0[0])
            {
                throw c.Fail($"input {i} has batch {xi[0]}, X0 has {x0[0]}");
            }

            bool divides = (x0[2] % xi[2] == 0 || xi[2] % x0[2] == 0) && (x0[3] % xi[3] == 0 || xi[3] % x0[3] == 0);
            if (!divides)
            {
                throw c.Fail($"input {i} of shape {xi} cannot be added to X0 of shape {x0}: spatial sizes must divide one another");
            }
        }

        if (weightsType != "none")
        {
            long expected = weightsType == "per_feature" ? featureInputs : (long)featureInputs * x0[1];
            TensorShape w = c.InputShape(c.InputCount - 1);
            if (w.ElementCount != expected)
            {
                throw c.FailAttribute("weights_type", $"needs {expected} weights for {featureInputs} inputs, the last input has {w.ElementCount}");
            }
        }

        SameAsInput(c);
    }
}
