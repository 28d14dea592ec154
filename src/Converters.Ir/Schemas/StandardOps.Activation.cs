namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> Activation()
    {
        yield return Unary("Relu", "max(x, 0).");
        yield return Unary("LeakyRelu", "x if x > 0 else alpha * x.", AttributeSpec.Optional("alpha", 0.01, "Slope for x < 0 (Darknet leaky: 0.1)."));
        yield return Unary("Sigmoid", "1 / (1 + exp(-x)) (Darknet logistic).");
        yield return Unary("Tanh", "tanh(x).");
        yield return Unary("Mish", "x * tanh(softplus(x)).");
        yield return Unary("Swish", "x * sigmoid(x) (SiLU).");
        yield return Unary("Relu6", "min(max(x, 0), 6).");
        yield return Unary(
            "HardSigmoid",
            "max(0, min(1, alpha * x + beta)).",
            AttributeSpec.Optional("alpha", 0.2, "Slope."),
            AttributeSpec.Optional("beta", 0.5, "Offset."));
        yield return Unary("Elu", "x if x > 0 else alpha * (exp(x) - 1).", AttributeSpec.Optional("alpha", 1.0, "Scale for x < 0."));
        yield return Unary(
            "Power",
            "(shift + scale * x) ^ power (Caffe Power).",
            AttributeSpec.Optional("power", 1.0, "Exponent."),
            AttributeSpec.Optional("scale", 1.0, "Multiplier."),
            AttributeSpec.Optional("shift", 0.0, "Offset."));
        yield return Unary("Identity", "x. Darknet's 'linear' activation and TF Identity.");
        yield return Unary("Dropout", "x at inference; ratio kept for training.", AttributeSpec.Optional("ratio", 0.5, "Drop probability in training."));

        yield return new OpSchema("PRelu")
        {
            Summary = "x if x > 0 else slope[c] * x, one slope per channel (or one shared).",
            Inputs = [new("X"), new("slope", InputRole.Weight)],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                TensorShape s = c.InputShape(1);
                bool ok = s.Rank == 1 && (s[0] == 1 || (x.Rank >= 2 && s[0] == x[1]));
                if (!ok)
                {
                    throw c.Fail($"input 'slope' must have shape 1 or {(x.Rank >= 2 ? x[1] : 1)} (channels), got {s}");
                }

                SameAsInput(c);
            },
        };
    }

    private static OpSchema Unary(string opType, string summary, params AttributeSpec[] attributes) => new(opType)
    {
        Summary = summary,
        Inputs = [new("X")],
        Attributes = attributes,
        InferShapes = SameAsInput,
    };
}
