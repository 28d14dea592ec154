namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    /// <summary>BatchNormalization epsilon applied inside the square root: <c>sqrt(var + eps)</c> (Caffe, TF, ONNX).</summary>
    public const string EpsilonInsideSqrt = "variance";

    /// <summary>BatchNormalization epsilon added after the square root: <c>sqrt(var) + eps</c> (pjreddie Darknet).</summary>
    public const string EpsilonAfterSqrt = "stddev";

    private static IEnumerable<OpSchema> Normalization()
    {
        yield return new OpSchema("BatchNormalization")
        {
            Summary = "Inference batch norm per channel: scale * (x - mean) / D + bias, D from epsilon_mode.",
            Inputs =
            [
                new("X"), new("scale", InputRole.Weight), new("B", InputRole.Bias),
                new("mean", InputRole.Statistic), new("var", InputRole.Statistic),
            ],
            Attributes =
            [
                AttributeSpec.Optional("epsilon", 1e-5, "Epsilon."),
                AttributeSpec.Optional("epsilon_mode", EpsilonInsideSqrt, "'variance': D = sqrt(var + eps); 'stddev': D = sqrt(var) + eps (Darknet)."),
            ],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                if (x.Rank < 2)
                {
                    throw c.Fail($"input 'X' must have a channel axis, got shape {x}");
                }

                for (int i = 1; i <= 4; i++)
                {
                    CheckBias(c, i, x[1]);
                }

                if (c.GetFloat("epsilon") < 0)
                {
                    throw c.FailAttribute("epsilon", "must not be negative");
                }

                string mode = c.GetString("epsilon_mode");
                if (mode is not (EpsilonInsideSqrt or EpsilonAfterSqrt))
                {
                    throw c.FailAttribute("epsilon_mode", $"must be '{EpsilonInsideSqrt}' or '{EpsilonAfterSqrt}'");
                }

                SameAsInput(c);
            },
        };

        yield return new OpSchema("Scale")
        {
            Summary = "Per-channel affine: x * scale + B (Caffe Scale, Darknet BN without statistics).",
            Inputs = [new("X"), new("scale", InputRole.Weight), new("B", InputRole.Bias, Optional: true)],
            Attributes = [AttributeSpec.Optional("axis", 1L, "The channel axis the vectors apply along.")],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                int axis = Axis(c, "axis", c.GetInt("axis"), x.Rank);
                CheckBias(c, 1, x[axis]);
                CheckBias(c, 2, x[axis]);
                SameAsInput(c);
            },
        };

        yield return new OpSchema("LRN")
        {
            Summary = "Local response normalization across or within channels (Caffe/AlexNet, Darknet [normalization]).",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("size", AttributeKind.Int, "Window size (channels across, or pixels within)."),
                AttributeSpec.Optional("alpha", 1e-4, "Scale alpha."),
                AttributeSpec.Optional("beta", 0.75, "Exponent beta."),
                AttributeSpec.Optional("bias", 1.0, "Additive k."),
                AttributeSpec.Optional("region", "across", "'across' channels or 'within' a channel."),
            ],
            InferShapes = c =>
            {
                RequireRank(c, 0, 4, "NCHW");
                if (c.GetInt("size") <= 0)
                {
                    throw c.FailAttribute("size", "must be positive");
                }

                if (c.GetString("region") is not ("across" or "within"))
                {
                    throw c.FailAttribute("region", "must be 'across' or 'within'");
                }

                SameAsInput(c);
            },
        };
    }
}
