using System.Collections.Frozen;
using System.Reflection;
using Converters.Abstractions;
using Converters.Ir;

namespace Converters.Hosting;

/// <summary>
/// The assemblies the host shares with every plugin so that contract types unify:
/// <c>Converters.Abstractions</c> and <c>Converters.Ir</c>, as loaded by the host. Their closure is the
/// BCL, which every context resolves from the default context anyway, so sharing these two is enough.
/// Holds host types only; nothing from a plugin is ever kept here.
/// </summary>
internal static class SharedContract
{
    private static readonly FrozenDictionary<string, Assembly> s_assemblies = new[]
    {
        typeof(IModelFormat).Assembly,
        typeof(Model).Assembly,
    }.ToFrozenDictionary(a => a.GetName().Name!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The simple name of the assembly that carries the contract version.</summary>
    public static string AbstractionsName { get; } = typeof(IModelFormat).Assembly.GetName().Name!;

    /// <summary>The contract version the host provides (the assembly version of <c>Converters.Abstractions</c>).</summary>
    public static Version HostVersion { get; } = typeof(IModelFormat).Assembly.GetName().Version!;

    /// <summary>The simple names of the shared assemblies.</summary>
    public static IEnumerable<string> Names => s_assemblies.Keys;

    /// <summary>The host's copy of shared assembly <paramref name="simpleName"/>, or null if the name is not shared.</summary>
    public static Assembly? Find(string? simpleName) =>
        simpleName is not null && s_assemblies.TryGetValue(simpleName, out Assembly? assembly) ? assembly : null;

    /// <summary>
    /// Null if a plugin built against contract <paramref name="pluginVersion"/> runs on this host;
    /// otherwise why not. Same major is required, and the plugin's minor must not be newer than the
    /// host's (it could call members this host lacks, and the runtime refuses the lower version anyway).
    /// </summary>
    public static string? CheckCompatible(Version pluginVersion)
    {
        if (pluginVersion.Major == HostVersion.Major && pluginVersion.Minor <= HostVersion.Minor)
        {
            return null;
        }

        return $"was built against contract {pluginVersion.Major}.{pluginVersion.Minor}; "
            + $"this host provides {HostVersion.Major}.{HostVersion.Minor}; "
            + $"rebuild the plugin against {AbstractionsName} {HostVersion.Major}.{HostVersion.Minor}"
            + (pluginVersion.Major == HostVersion.Major ? " or use a newer host" : string.Empty);
    }
}
