namespace Converters.Plugins.Caffe;

/// <summary>Names of the metadata entries this plugin puts on models and nodes, so the writer can reproduce the files.</summary>
public static class CaffeMetadata
{
    /// <summary>Model: the net's <c>name</c>.</summary>
    public const string NetName = "caffe.name";

    /// <summary>Model: "layer" (V2 <c>layer</c>) or "layers" (legacy V1) as read.</summary>
    public const string LayerFormat = "caffe.layer_format";

    /// <summary>Model: how the inputs were declared: "layer" (an Input layer), "input_shape" or "input_dim".</summary>
    public const string InputForm = "caffe.input_form";

    /// <summary>Model: the name of the Input layer when <see cref="InputForm"/> is "layer".</summary>
    public const string InputLayer = "caffe.input_layer";

    /// <summary>Model: graph inputs fed by a training data layer (kept in <see cref="SkippedLayers"/>), not declared as inputs.</summary>
    public const string DataInputs = "caffe.data_inputs";

    /// <summary>Model: the NetParameter fields other than name, inputs and layers, as text format.</summary>
    public const string NetExtra = "caffe.net_extra";

    /// <summary>Model: the file's header comment lines (text after '#').</summary>
    public const string HeaderComments = "caffe.comments";

    /// <summary>Model: layers not imported (data, loss, accuracy, TRAIN-only), each "index&lt;TAB&gt;text format".</summary>
    public const string SkippedLayers = "caffe.skipped_layers";

    /// <summary>Model: "present" when a .caffemodel (or blobs in the prototxt) gave the weights, "absent" when zero-filled.</summary>
    public const string Weights = "caffe.weights";

    /// <summary>Node: the Caffe layer name the node was read from (every node of a multi-node layer).</summary>
    public const string Layer = "caffe.layer";

    /// <summary>Node: the Caffe layer type.</summary>
    public const string Type = "caffe.type";

    /// <summary>Node: the layer's top blob names as written (in-place layers repeat their bottom).</summary>
    public const string Tops = "caffe.tops";

    /// <summary>Node: the layer's fields that the IR does not model (param specs, fillers, phases), as text format.</summary>
    public const string Extra = "caffe.extra";

    /// <summary>Node: comment lines written directly before the layer.</summary>
    public const string Comments = "caffe.comments";

    /// <summary>Node: each blob's shape as stored ("legacy N C H W" or "shape D1 D2 ..."), for the writer.</summary>
    public const string BlobShapes = "caffe.blob_shapes";

    /// <summary>Node: prefix of "caffe.blob_double.INDEX", the float64 values of a blob stored as double_data, to write them back.</summary>
    public const string DoubleBlobPrefix = "caffe.blob_double.";

    /// <summary>Node (BatchNorm): the scale-factor blob's value.</summary>
    public const string BatchNormFactor = "caffe.bn.factor";

    /// <summary>Node (BatchNorm): the stored mean and variance sums when the factor is not 1, to write them back bit for bit.</summary>
    public const string BatchNormSums = "caffe.bn.sums";

    /// <summary>Node (Reshape): the reshape_param as written (with its 0 and -1 dims), reused while it still gives the IR's shape.</summary>
    public const string ReshapeSpec = "caffe.reshape";

    /// <summary>Node (Crop): the reference blob whose shape the crop takes.</summary>
    public const string CropReference = "caffe.crop.reference";

    /// <summary>Pooling node: 1 when the source layer spelt out <c>round_mode</c>, so the writer spells it out again.</summary>
    public const string PoolRoundModeExplicit = "caffe.pool.round_mode";
}
