using System.Globalization;
using System.Text.RegularExpressions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>The output shapes in darknet's printed layer table: W x H x C, or 0 x 0 x N where only the element count N is printed.</summary>
internal static partial class DarknetTable
{
    public static Dictionary<int, (int W, int H, int C)> OutputShapes(IEnumerable<string> lines)
    {
        var shapes = new Dictionary<int, (int, int, int)>();
        foreach (string line in lines)
        {
            Match row = Row().Match(line);
            if (!row.Success)
            {
                continue;
            }

            int index = Int(row.Groups[1]);
            string rest = row.Groups[2].Value;
            if (Map().Match(rest) is { Success: true } map)
            {
                shapes[index] = (Int(map.Groups[4]), Int(map.Groups[5]), Int(map.Groups[6]));
            }
            else if (CropShape().Match(rest) is { Success: true } crop)
            {
                shapes[index] = (Int(crop.Groups[2]), Int(crop.Groups[1]), Int(crop.Groups[3]));
            }
            else if (BatchNorm().Match(rest) is { Success: true } bn)
            {
                shapes[index] = (Int(bn.Groups[1]), Int(bn.Groups[2]), Int(bn.Groups[3]));
            }
            else if (Flat().Match(rest) is { Success: true } flat)
            {
                shapes[index] = (0, 0, Int(flat.Groups[1]));
            }
        }

        return shapes;
    }

    private static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\d+)\s+(.*)$")]
    private static partial Regex Row();

    [GeneratedRegex(@"(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*->\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)")]
    private static partial Regex Map();

    [GeneratedRegex(@"Crop Layer:\s*\d+\s*x\s*\d+\s*->\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)")]
    private static partial Regex CropShape();

    [GeneratedRegex(@"Batch Normalization Layer:\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)")]
    private static partial Regex BatchNorm();

    [GeneratedRegex(@"^(?:connected|dropout).*?\d+\s*->\s*(\d+)\s*$")]
    private static partial Regex Flat();
}
