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
    /// Eligible cfgs whose semantics the IR cannot express: reading them fails at the line that says why
    /// (formats/darknet/README.md lists them).
    /// </summary>
    public static IReadOnlyDictionary<string, (int Layer, string Key, string Message)> Unmodelled { get; } = new Dictionary<string, (int, string, string)>(StringComparer.Ordinal)
    {
        ["darknet9000.cfg"] = (25, "tree", "'tree' (hierarchical softmax) has no IR equivalent"),
        ["go.cfg"] = (14, "extra", "'extra=1' is not supported by this plugin (it has no IR equivalent); only extra=0"),
        ["go.test.cfg"] = (14, "extra", "'extra=1' is not supported by this plugin (it has no IR equivalent); only extra=0"),
        ["yolo9000.cfg"] = (24, "tree", "'tree' (YOLO9000's hierarchical classes) changes the region layer's output and has no IR equivalent"),
    };

    /// <summary>The input size for a cfg's copy: 64, or the cfg's own where 64 pools away to nothing.</summary>
    public static int? SizeFor(string name) => name is "alexnet.cfg" ? null : SmallSize;

    public static TheoryData<string> UnmodelledNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Eligible().Where(Unmodelled.ContainsKey))
        {
            data.Add(name);
        }

        return data;
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in Eligible().Where(n => !Unmodelled.ContainsKey(n)))
        {
            data.Add(name);
        }

        if (data.Count == 0)
        {
            data.Add("(no Debian darknet cfgs installed)");
        }

        return data;
    }

    /// <summary>A copy of a Debian cfg with [net] width/height (and [crop] sizes) set to <paramref name="size"/>.</summary>
    public static string SmallCopy(TempDirectory folder, string name, int? size = SmallSize)
    {
        if (size is null)
        {
            return folder.WriteFile(name, File.ReadAllBytes(Path.Combine(DarknetOracle.CfgFolder, name)));
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

        return folder.WriteText(name, builder.ToString());
    }
}
