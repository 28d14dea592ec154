using System.Text;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>The cfgs shipped with Debian's darknet that this plugin imports (no rnn/gru/lstm/local/crnn section).</summary>
internal static class DebianCfgs
{
    /// <summary>Input size used for the copies: small for speed, a multiple of 32 for the YOLO routes.</summary>
    public const int SmallSize = 64;

    private static readonly string[] s_excludedSections = ["[rnn]", "[gru]", "[lstm]", "[local]", "[crnn]"];

    public static IEnumerable<string> Eligible()
    {
        if (!Directory.Exists(DarknetOracle.CfgFolder))
        {
            return [];
        }

        return Directory.GetFiles(DarknetOracle.CfgFolder, "*.cfg")
            .Where(path => !File.ReadLines(path).Select(l => l.Replace(" ", string.Empty, StringComparison.Ordinal).Trim()).Any(s_excludedSections.Contains))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;
    }

    /// <summary>
    /// Cfgs whose [region] uses a class tree: pjreddie's CPU forward_region_layer runs that softmax with the
    /// layer's temperature, which parse_region never sets (0), and a stride across anchors, so libdarknet's
    /// output holds NaN there; the region is checked against darknet's softmax_tree kernel instead
    /// (<see cref="DarknetOutputConformanceTests"/>).
    /// </summary>
    public static IReadOnlySet<string> TreeRegions { get; } = new HashSet<string>(StringComparer.Ordinal) { "yolo9000.cfg" };

    /// <summary>
    /// The input size for a cfg's copy: 64, or the cfg's own where 64 pools away to nothing (alexnet) or
    /// where the own size is smaller (go: 19 x 19, thirteen 256-filter convolutions without pooling).
    /// </summary>
    public static int? SizeFor(string name) => name is "alexnet.cfg" or "go.cfg" or "go.test.cfg" ? null : SmallSize;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in Eligible())
        {
            data.Add(name);
        }

        if (data.Count == 0)
        {
            data.Add("(no Debian darknet cfgs installed)");
        }

        return data;
    }

    /// <summary>A copy of a Debian cfg (at <paramref name="target"/>, default its name) with [net] width/height (and [crop] sizes) set to <paramref name="size"/>.</summary>
    public static string SmallCopy(TempDirectory folder, string name, int? size = SmallSize, string? target = null)
    {
        target ??= name;
        if (size is null)
        {
            return folder.WriteFile(target, File.ReadAllBytes(Path.Combine(DarknetOracle.CfgFolder, name)));
        }

        var builder = new StringBuilder();
        bool inNet = false;
        foreach (string line in File.ReadLines(Path.Combine(DarknetOracle.CfgFolder, name)))
        {
            string stripped = line.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\t", string.Empty, StringComparison.Ordinal);
            if (stripped.StartsWith('['))
            {
                inNet = stripped is "[net]" or "[network]";
            }

            string key = stripped.Split('=')[0];
            bool resize = (inNet && key is "width" or "height") || key is "crop_width" or "crop_height";
            builder.Append(resize ? $"{key}={size}" : line).Append('\n');
        }

        return folder.WriteText(target, builder.ToString());
    }
}
