using Converters.Ir;
using Converters.Plugins.Darknet.Cfg;

namespace Converters.Plugins.Darknet.Mapping;

/// <summary>Darknet activation names to IR ops, and back.</summary>
internal static class Activations
{
    private static readonly string[] s_darknetOnly =
    [
        "loggy", "selu", "plse", "hardtan", "lhtan", "stair", "gelu", "hard_mish", "revleaky",
        "normalize_channels", "normalize_channels_softmax", "normalize_channels_softmax_maxval",
    ];

    /// <summary>The IR op and attributes for an activation; null for <c>linear</c>.</summary>
    public static (string OpType, double? Alpha)? ToIr(CfgSection section, string key, string name) => name switch
    {
        "linear" => null,
        "leaky" => ("LeakyRelu", 0.1),
        "relie" => ("LeakyRelu", 0.01),
        "relu" => ("Relu", null),
        "logistic" => ("Sigmoid", null),
        "tanh" => ("Tanh", null),
        "mish" => ("Mish", null),
        "swish" => ("Swish", null),
        "relu6" => ("Relu6", null),
        "elu" => ("Elu", 1.0),
        _ when s_darknetOnly.Contains(name) => throw section.Error(key, $"activation '{name}' has no IR operator; supported: linear, leaky, relie, ramp, relu, logistic, tanh, mish, swish, relu6, elu"),
        _ => throw section.Error(key, $"unknown activation '{name}' (Darknet would silently use relu); supported: linear, leaky, relie, ramp, relu, logistic, tanh, mish, swish, relu6, elu"),
    };

    /// <summary>The Darknet name of an activation node, or null if the node is not one Darknet can express.</summary>
    public static string? FromIr(Node node)
    {
        switch (node.OpType)
        {
            case "Relu": return "relu";
            case "Sigmoid": return "logistic";
            case "Tanh": return "tanh";
            case "Mish": return "mish";
            case "Swish": return "swish";
            case "Relu6": return "relu6";
            case "LeakyRelu":
                double alpha = node.Attributes.TryGetValue("alpha", out AttributeValue? a) ? a.AsFloat() : 0.01;
                return alpha == 0.1 ? "leaky" : alpha == 0.01 ? "relie" : null;
            case "Elu":
                double eluAlpha = node.Attributes.TryGetValue("alpha", out AttributeValue? e) ? e.AsFloat() : 1.0;
                return eluAlpha == 1.0 ? "elu" : null;
            default:
                return null;
        }
    }
}
