using System.Collections.Frozen;

namespace Converters.Plugins.Darknet.Cfg;

/// <summary>
/// The section headers Darknet accepts (with their aliases), which of them this plugin imports, and the
/// keys each imported section may carry. A key outside its section's list is an error, not ignored.
/// </summary>
internal static class SectionCatalog
{
    /// <summary>Keys Darknet reads for every layer section (<c>parse_network_cfg</c>).</summary>
    private static readonly string[] s_common =
    [
        "truth", "onlyforward", "stopbackward", "dontsave", "dontload", "numload", "dontloadscales",
        "learning_rate", "smooth", "train_only_bn", "dont_update", "burnin_update",
    ];

    private static readonly FrozenDictionary<string, string> s_aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["[net]"] = "net",
        ["[network]"] = "net",
        ["[conv]"] = "convolutional",
        ["[convolutional]"] = "convolutional",
        ["[conn]"] = "connected",
        ["[connected]"] = "connected",
        ["[max]"] = "maxpool",
        ["[maxpool]"] = "maxpool",
        ["[avg]"] = "avgpool",
        ["[avgpool]"] = "avgpool",
        ["[local_avg]"] = "local_avgpool",
        ["[local_avgpool]"] = "local_avgpool",
        ["[soft]"] = "softmax",
        ["[softmax]"] = "softmax",
        ["[route]"] = "route",
        ["[shortcut]"] = "shortcut",
        ["[upsample]"] = "upsample",
        ["[reorg]"] = "reorg",
        ["[yolo]"] = "yolo",
        ["[region]"] = "region",
        ["[detection]"] = "detection",
        ["[cost]"] = "cost",
        ["[dropout]"] = "dropout",
        ["[batchnorm]"] = "batchnorm",
        ["[crop]"] = "crop",
        ["[scale_channels]"] = "scale_channels",
        ["[sam]"] = "sam",
        ["[activation]"] = "activation",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Darknet sections this plugin recognises but does not import (no IR mapping).</summary>
    private static readonly FrozenSet<string> s_notImported = new[]
    {
        "[deconv]", "[deconvolutional]", "[local]", "[rnn]", "[gru]", "[lstm]", "[crnn]", "[conv_lstm]",
        "[history]", "[logistic]", "[l2norm]", "[iseg]", "[lrn]", "[normalization]",
        "[Gaussian_yolo]", "[reorg3d]", "[empty]", "[silence]", "[implicit_add]", "[implicit_mul]", "[contrastive]",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FrozenSet<string>> s_keys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["net"] =
        [
            "batch", "subdivisions", "height", "width", "channels", "inputs", "max_crop", "min_crop", "max_ratio", "min_ratio",
            "center", "clip", "momentum", "decay", "learning_rate", "policy", "steps", "scales", "step", "gamma", "power",
            "burn_in", "max_batches", "angle", "aspect", "saturation", "exposure", "hue", "adam", "B1", "B2", "eps",
            "notruth", "random", "time_steps", "letter_box", "mosaic", "cutmix", "mixup", "flip", "blur", "gaussian_noise",
            "track", "augment_speed", "sequential_subdivisions", "try_fix_nan", "label_smooth_eps", "resize", "seen",
            "max_chart_loss", "learning_rate_min", "sgdr_cycle", "sgdr_mult", "num_boxes", "train_only_bn", "optimized_memory",
            "workspace_size_limit_MB", "contrastive", "unsupervised", "mosaic_bound", "adversarial_lr", "attention",
            "equidistant_point", "show_receptive_field", "loss_scale", "dynamic_minibatch", "hierarchy",
        ],
        ["convolutional"] =
        [
            "filters", "size", "stride", "stride_x", "stride_y", "pad", "padding", "groups", "dilation", "activation",
            "batch_normalize", "binary", "xnor", "flipped", "dot", "bin_output", "antialiasing", "share_index", "cbn",
            "sway", "rotate", "stretch", "stretch_sway", "coordconv", "assisted_excitation", "deform", "use_bin_output",
        ],
        ["connected"] = ["output", "activation", "batch_normalize"],
        ["maxpool"] = ["size", "stride", "stride_x", "stride_y", "padding", "maxpool_depth", "out_channels", "antialiasing"],
        ["avgpool"] = [],
        ["local_avgpool"] = ["size", "stride", "stride_x", "stride_y", "padding"],
        ["softmax"] = ["groups", "temperature", "tree", "spatial", "noloss"],
        ["route"] = ["layers", "groups", "group_id"],
        ["shortcut"] = ["from", "activation", "alpha", "beta", "weights_type", "weights_normalization"],
        ["upsample"] = ["stride", "scale"],
        ["reorg"] = ["stride", "reverse", "flatten", "extra"],
        ["yolo"] =
        [
            "classes", "num", "mask", "anchors", "jitter", "ignore_thresh", "truth_thresh", "random", "max", "scale_x_y",
            "iou_loss", "iou_normalizer", "obj_normalizer", "cls_normalizer", "delta_normalizer", "nms_kind", "beta_nms",
            "new_coords", "label_smooth_eps", "focal_loss", "iou_thresh", "resize", "max_delta", "counters_per_class",
            "objectness_smooth", "track_history_size", "sim_thresh", "dets_for_track", "dets_for_show", "track_ciou_norm",
            "embedding_layer", "map", "show_details", "iou_thresh_kind",
        ],
        ["region"] =
        [
            "classes", "coords", "num", "anchors", "softmax", "bias_match", "jitter", "rescore", "thresh", "random",
            "absolute", "log", "sqrt", "object_scale", "noobject_scale", "class_scale", "coord_scale", "tree", "map",
            "max", "focal_loss",
        ],
        ["detection"] =
        [
            "classes", "coords", "rescore", "side", "num", "softmax", "sqrt", "jitter", "object_scale", "noobject_scale",
            "class_scale", "coord_scale", "forced", "random", "reorg", "max",
        ],
        ["cost"] = ["type", "scale", "ratio", "noobject_scale", "thresh"],
        ["activation"] = ["activation"],
        ["dropout"] = ["probability", "dropblock", "dropblock_size_rel", "dropblock_size_abs"],
        ["batchnorm"] = [],
        ["crop"] = ["crop_height", "crop_width", "flip", "angle", "saturation", "exposure", "shift", "noadjust"],
        ["scale_channels"] = ["from", "scale_wh", "activation"],
        ["sam"] = ["from", "scale_wh", "activation"],
    }.ToFrozenDictionary(p => p.Key, p => p.Value.Concat(p.Key == "net" ? [] : s_common).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The canonical kind of an imported section header, or null.</summary>
    public static string? KindOf(string header) => s_aliases.GetValueOrDefault(header);

    public static bool IsNotImported(string header) => s_notImported.Contains(header);

    public static bool IsKnownKey(string kind, string key) => s_keys.TryGetValue(kind, out FrozenSet<string>? keys) && keys.Contains(key);

    /// <summary>The canonical header written for a kind, e.g. <c>[convolutional]</c>.</summary>
    public static string HeaderOf(string kind) => "[" + kind + "]";

    public static IEnumerable<string> ImportedHeaders => s_aliases.Keys.Order(StringComparer.Ordinal);
}
