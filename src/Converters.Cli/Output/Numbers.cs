using System.Globalization;

namespace Converters.Cli.Output;

/// <summary>Number formatting for tables.</summary>
internal static class Numbers
{
    /// <summary><c>61,949,149</c>.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary><c>32.94 G</c>, <c>1.20 M</c>, <c>512</c>.</summary>
    public static string Short(long value) => value switch
    {
        >= 1_000_000_000 => (value / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G",
        >= 1_000_000 => (value / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M",
        >= 1_000 => (value / 1e3).ToString("0.00", CultureInfo.InvariantCulture) + " k",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };
}
