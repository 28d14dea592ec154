using Converters.Plugins.Caffe.Proto;
using Google.Protobuf.Reflection;

namespace Converters.Plugins.Caffe.Mapping;

/// <summary>
/// Converts between legacy V1 layers (<c>layers</c>, enum type) and V2 layers (<c>layer</c>, string
/// type) the way Caffe's upgrade does: type enum to name, <c>blobs_lr</c> / <c>weight_decay</c> /
/// <c>param</c> names / <c>blob_share_mode</c> to <c>param { lr_mult decay_mult name share_mode }</c>,
/// and the <c>*_param</c> messages moved across as they are.
/// </summary>
internal static class LayerUpgrade
{
    private static readonly (string V1, string V2)[] s_types =
    [
        ("ABSVAL", "AbsVal"), ("ACCURACY", "Accuracy"), ("ARGMAX", "ArgMax"), ("BNLL", "BNLL"), ("CONCAT", "Concat"),
        ("CONTRASTIVE_LOSS", "ContrastiveLoss"), ("CONVOLUTION", "Convolution"), ("DATA", "Data"),
        ("DECONVOLUTION", "Deconvolution"), ("DROPOUT", "Dropout"), ("DUMMY_DATA", "DummyData"),
        ("EUCLIDEAN_LOSS", "EuclideanLoss"), ("ELTWISE", "Eltwise"), ("EXP", "Exp"), ("FLATTEN", "Flatten"),
        ("HDF5_DATA", "HDF5Data"), ("HDF5_OUTPUT", "HDF5Output"), ("HINGE_LOSS", "HingeLoss"), ("IM2COL", "Im2col"),
        ("IMAGE_DATA", "ImageData"), ("INFOGAIN_LOSS", "InfogainLoss"), ("INNER_PRODUCT", "InnerProduct"), ("LRN", "LRN"),
        ("MEMORY_DATA", "MemoryData"), ("MULTINOMIAL_LOGISTIC_LOSS", "MultinomialLogisticLoss"), ("MVN", "MVN"),
        ("POOLING", "Pooling"), ("POWER", "Power"), ("RELU", "ReLU"), ("SIGMOID", "Sigmoid"),
        ("SIGMOID_CROSS_ENTROPY_LOSS", "SigmoidCrossEntropyLoss"), ("SILENCE", "Silence"), ("SOFTMAX", "Softmax"),
        ("SOFTMAX_LOSS", "SoftmaxWithLoss"), ("SPLIT", "Split"), ("SLICE", "Slice"), ("TANH", "TanH"),
        ("WINDOW_DATA", "WindowData"), ("THRESHOLD", "Threshold"),
    ];

    private static readonly EnumDescriptor s_layerType = V1LayerParameter.Descriptor.EnumTypes.Single(e => e.Name == "LayerType");

    /// <summary>The V2 type name of a V1 enum value, or null when it has none (NONE, unknown numbers).</summary>
    public static string? V2Type(V1LayerParameter.Types.LayerType type)
    {
        string? name = s_layerType.FindValueByNumber((int)type)?.Name;
        return s_types.FirstOrDefault(t => t.V1 == name).V2;
    }

    /// <summary>The V1 enum value of a V2 type name, or null when V1 cannot express the type.</summary>
    public static V1LayerParameter.Types.LayerType? V1Type(string type)
    {
        string? name = s_types.FirstOrDefault(t => t.V2 == type).V1;
        return name is null ? null : (V1LayerParameter.Types.LayerType)s_layerType.FindValueByName(name).Number;
    }

    public static LayerParameter ToV2(V1LayerParameter v1)
    {
        var layer = new LayerParameter();
        if (v1.HasName)
        {
            layer.Name = v1.Name;
        }

        if (v1.HasType)
        {
            layer.Type = V2Type(v1.Type) ?? s_layerType.FindValueByNumber((int)v1.Type)?.Name ?? ((int)v1.Type).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        layer.Bottom.AddRange(v1.Bottom);
        layer.Top.AddRange(v1.Top);
        layer.Include.AddRange(v1.Include);
        layer.Exclude.AddRange(v1.Exclude);
        layer.Blobs.AddRange(v1.Blobs);
        layer.LossWeight.AddRange(v1.LossWeight);
        int specs = Math.Max(Math.Max(v1.BlobsLr.Count, v1.WeightDecay.Count), Math.Max(v1.Param.Count, v1.BlobShareMode.Count));
        for (int i = 0; i < specs; i++)
        {
            var spec = new ParamSpec();
            if (i < v1.Param.Count)
            {
                spec.Name = v1.Param[i];
            }

            if (i < v1.BlobShareMode.Count)
            {
                spec.ShareMode = (ParamSpec.Types.DimCheckMode)(int)v1.BlobShareMode[i];
            }

            if (i < v1.BlobsLr.Count)
            {
                spec.LrMult = v1.BlobsLr[i];
            }

            if (i < v1.WeightDecay.Count)
            {
                spec.DecayMult = v1.WeightDecay[i];
            }

            layer.Param.Add(spec);
        }

        MoveParams(v1, layer);
        return layer;
    }

    /// <summary>The V1 form of <paramref name="layer"/>; null when V1 has no such type or field.</summary>
    public static V1LayerParameter? ToV1(LayerParameter layer, out string? problem)
    {
        problem = null;
        V1LayerParameter.Types.LayerType? type = V1Type(layer.Type);
        if (type is null)
        {
            problem = $"V1 layers have no type '{layer.Type}'";
            return null;
        }

        var v1 = new V1LayerParameter { Name = layer.Name, Type = type.Value };
        v1.Bottom.AddRange(layer.Bottom);
        v1.Top.AddRange(layer.Top);
        v1.Include.AddRange(layer.Include);
        v1.Exclude.AddRange(layer.Exclude);
        v1.Blobs.AddRange(layer.Blobs);
        v1.LossWeight.AddRange(layer.LossWeight);
        foreach (ParamSpec spec in layer.Param)
        {
            if (spec.HasName)
            {
                v1.Param.Add(spec.Name);
            }

            if (spec.HasShareMode)
            {
                v1.BlobShareMode.Add((V1LayerParameter.Types.DimCheckMode)(int)spec.ShareMode);
            }

            v1.BlobsLr.Add(spec.LrMult);
            v1.WeightDecay.Add(spec.DecayMult);
        }

        foreach (FieldDescriptor field in LayerParameter.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsRepeated || field.Accessor.GetValue(layer) is not { } value)
            {
                continue;
            }

            FieldDescriptor? target = V1LayerParameter.Descriptor.FindFieldByName(field.Name);
            if (target is null || target.MessageType != field.MessageType)
            {
                problem = $"V1 layers have no field '{field.Name}'";
                return null;
            }

            target.Accessor.SetValue(v1, value);
        }

        if (layer.HasPhase || layer.PropagateDown.Count > 0)
        {
            problem = "V1 layers have no 'phase' or 'propagate_down'";
            return null;
        }

        return v1;
    }

    private static void MoveParams(V1LayerParameter v1, LayerParameter layer)
    {
        foreach (FieldDescriptor field in V1LayerParameter.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsRepeated || !field.Name.EndsWith("_param", StringComparison.Ordinal))
            {
                continue;
            }

            if (field.Accessor.GetValue(v1) is { } value)
            {
                LayerParameter.Descriptor.FindFieldByName(field.Name)!.Accessor.SetValue(layer, value);
            }
        }
    }
}
