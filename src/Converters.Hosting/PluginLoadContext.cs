using System.Reflection;
using System.Runtime.Loader;

namespace Converters.Hosting;

/// <summary>
/// The load context of one plugin. The shared contract (<see cref="SharedContract"/>) resolves to the
/// host's assemblies so <c>IModelFormat</c> and the IR types are the host's; every other dependency
/// comes from the plugin's <c>.deps.json</c> and folder through <see cref="AssemblyDependencyResolver"/>,
/// so a plugin may carry its own version of a library the host also uses. Whatever the resolver does
/// not know (the framework) falls back to the default context.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    /// <summary>Creates the context of the plugin named <paramref name="name"/>.</summary>
    /// <param name="name">The plugin's name, shown by diagnostics tools.</param>
    /// <param name="resolver">The resolver built on the plugin's main assembly.</param>
    /// <param name="isCollectible">Whether <see cref="AssemblyLoadContext.Unload"/> may be called.</param>
    public PluginLoadContext(string name, AssemblyDependencyResolver resolver, bool isCollectible)
        : base(name, isCollectible)
    {
        _resolver = resolver;
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Contract first, whatever the plugin folder holds: a second copy would split the types.
        Assembly? shared = SharedContract.Find(assemblyName.Name);
        if (shared is not null)
        {
            return shared;
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
