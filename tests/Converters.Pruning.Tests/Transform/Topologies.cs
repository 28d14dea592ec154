namespace Converters.Pruning.Tests.Transform;

/// <summary>Small Darknet cfgs, one per topology class the pruning core must handle.</summary>
internal static class Topologies
{
    private const string Net = "[net]\nbatch=1\nwidth=16\nheight=16\nchannels=3\n\n";

    private static string Conv(int filters, int size = 3, int stride = 1, bool bn = true, string activation = "leaky", int groups = 1) =>
        $"[convolutional]\n{(bn ? "batch_normalize=1\n" : string.Empty)}filters={filters}\nsize={size}\nstride={stride}\npad=1\n{(groups > 1 ? $"groups={groups}\n" : string.Empty)}activation={activation}\n\n";

    private const string Head = "[avgpool]\n\n[softmax]\ngroups=1\n";

    /// <summary>VGG-like chain with max pooling and flatten → fully connected (16 channels × 4×4 → 10).</summary>
    public static readonly string PlainChain = Net + Conv(8) + Conv(12) + "[maxpool]\nsize=2\nstride=2\n\n" + Conv(16, activation: "relu") +
        "[maxpool]\nsize=2\nstride=2\n\n[connected]\noutput=10\nactivation=linear\n\n[softmax]\ngroups=1\n";

    /// <summary>Darknet residual units: an identity shortcut, then a strided stage whose shortcut adds a projection.</summary>
    public static readonly string Residual = Net + Conv(16) + Conv(8, size: 1) + Conv(16) + "[shortcut]\nfrom=-3\nactivation=linear\n\n" +
        Conv(24, stride: 2) + "[route]\nlayers=-2\n\n" + Conv(24, size: 1, stride: 2) + "[shortcut]\nfrom=-3\nactivation=linear\n\n" +
        Conv(10, size: 1, bn: false, activation: "linear") + Head;

    /// <summary>A SqueezeNet fire module (squeeze, two expands concatenated) and a YOLO-style upsample + route.</summary>
    public static readonly string Concat = Net + Conv(16) + Conv(8, size: 1) + Conv(12, size: 1) + "[route]\nlayers=-2\n\n" + Conv(12) +
        "[route]\nlayers=-1,-3\n\n[maxpool]\nsize=2\nstride=2\n\n" + Conv(16) + "[upsample]\nstride=2\n\n[route]\nlayers=-1,-5\n\n" +
        Conv(8, size: 1) + Conv(5, size: 1, bn: false, activation: "linear") + Head;

    /// <summary>yolov4-tiny's CSP block: a route with groups=2 (the second half), two convs, concatenations.</summary>
    public static readonly string RouteGroups = Net + Conv(16) + "[route]\nlayers=-1\ngroups=2\ngroup_id=1\n\n" + Conv(8) + Conv(8) +
        "[route]\nlayers=-1,-2\n\n" + Conv(16, size: 1) + "[route]\nlayers=-6,-1\n\n[maxpool]\nsize=2\nstride=2\n\n" +
        Conv(6, size: 1, bn: false, activation: "linear") + Head;

    /// <summary>MobileNet-like depthwise separable blocks.</summary>
    public static readonly string Depthwise = Net + Conv(16) + Conv(16, groups: 16) + Conv(24, size: 1) + Conv(24, stride: 2, groups: 24) +
        Conv(32, size: 1) + Conv(6, size: 1, bn: false, activation: "linear") + Head;

    /// <summary>A grouped convolution (4 groups) between ordinary ones.</summary>
    public static readonly string Grouped = Net + Conv(16) + Conv(16, groups: 4) + Conv(12, size: 1) + Conv(6, size: 1, bn: false, activation: "linear") + Head;

    /// <summary>Only 1×1 convolutions read pruned channels (no padding): folding the constants is exact everywhere.</summary>
    public static readonly string Pointwise = Net + Conv(16) + Conv(12, size: 1) + "[maxpool]\nsize=2\nstride=2\n\n" + Conv(10, size: 1, activation: "relu") +
        "[connected]\noutput=7\nactivation=linear\n\n[softmax]\ngroups=1\n";

    public static TheoryData<string, string> All => new()
    {
        { "plain chain", PlainChain },
        { "residual", Residual },
        { "concat", Concat },
        { "route groups", RouteGroups },
        { "depthwise", Depthwise },
        { "grouped", Grouped },
        { "pointwise", Pointwise },
    };
}
