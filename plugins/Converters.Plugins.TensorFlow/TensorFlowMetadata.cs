namespace Converters.Plugins.TensorFlow;

/// <summary>Names of the metadata entries this plugin puts on models and nodes.</summary>
public static class TensorFlowMetadata
{
    /// <summary>Model: the layout the graph's 4-D inputs had in TensorFlow ("NHWC" or "NCHW"); the IR inputs are NCHW.</summary>
    public const string InputLayout = "tensorflow.input_layout";

    /// <summary>Model: the GraphDef's producer version.</summary>
    public const string Producer = "tensorflow.producer";

    /// <summary>Node: the TensorFlow node name the IR node was read from.</summary>
    public const string NodeName = "tensorflow.node";

    /// <summary>Node: the TensorFlow op type.</summary>
    public const string Op = "tensorflow.op";
}
