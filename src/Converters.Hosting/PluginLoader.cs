using System.Reflection;
using System.Runtime.Loader;
using Converters.Abstractions;

namespace Converters.Hosting;

/// <summary>
/// Validates one plugin, loads it into its own <see cref="PluginLoadContext"/> and creates the formats
/// its <see cref="ConverterPluginAttribute"/>s declare. A plugin is loaded whole or not at all.
/// </summary>
internal static class PluginLoader
{
    private const string ContractReferenceFix =
        "<ProjectReference Include=\"...Converters.Abstractions.csproj\" Private=\"false\" ExcludeAssets=\"runtime\" />";

    /// <summary>Loads the plugin described by <paramref name="metadata"/>.</summary>
    /// <exception cref="PluginLoadException">The plugin is rejected or broken; the message says how to fix it.</exception>
    public static LoadedPlugin Load(PluginMetadata metadata, bool collectible)
    {
        RejectContractCopies(metadata);
        RejectIncompatibleContract(metadata);

        AssemblyDependencyResolver resolver;
        try
        {
            resolver = new AssemblyDependencyResolver(metadata.AssemblyPath);
        }
        catch (InvalidOperationException ex)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"plugin '{metadata.Name}' has unreadable dependency information ({ex.Message}); "
                + $"copy its complete build output, including {metadata.Name}.deps.json, into its folder",
                ex);
        }

        var context = new PluginLoadContext(metadata.Name, resolver, collectible);
        try
        {
            Assembly assembly = LoadMainAssembly(metadata, context);
            IReadOnlyList<IModelFormat> formats = CreateFormats(metadata, assembly, context);
            AssemblyName name = assembly.GetName();
            return new LoadedPlugin(
                metadata.Name,
                name.Version ?? metadata.Version,
                assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                metadata.AssemblyPath,
                formats,
                context);
        }
        catch
        {
            if (collectible)
            {
                context.Unload();
            }

            throw;
        }
    }

    private static void RejectContractCopies(PluginMetadata metadata)
    {
        string folder = Path.GetDirectoryName(metadata.AssemblyPath)!;
        foreach (string shared in SharedContract.Names.Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(folder, shared + ".dll")))
            {
                throw new PluginLoadException(
                    metadata.AssemblyPath,
                    $"plugin folder '{folder}' contains its own {shared}.dll, but the host provides the contract "
                    + $"and a second copy would split its types; reference the contract with {ContractReferenceFix} "
                    + "(the same for Converters.Ir), rebuild the plugin, and remove the copy from the folder",
                    null);
            }
        }
    }

    private static void RejectIncompatibleContract(PluginMetadata metadata)
    {
        if (metadata.ContractVersion is null)
        {
            // Without a contract reference there can be no ConverterPlugin attribute: reported as "no formats".
            return;
        }

        string? problem = SharedContract.CheckCompatible(metadata.ContractVersion);
        if (problem is not null)
        {
            throw new PluginLoadException(metadata.AssemblyPath, $"plugin '{metadata.Name}' {problem}", null);
        }
    }

    private static Assembly LoadMainAssembly(PluginMetadata metadata, PluginLoadContext context)
    {
        try
        {
            return context.LoadFromAssemblyPath(metadata.AssemblyPath);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"plugin '{metadata.Name}' could not be loaded: {ex.Message}; rebuild the plugin for this host's .NET version",
                ex);
        }
    }

    private static List<IModelFormat> CreateFormats(PluginMetadata metadata, Assembly assembly, PluginLoadContext context)
    {
        ConverterPluginAttribute[] declarations;
        try
        {
            declarations = [.. assembly.GetCustomAttributes<ConverterPluginAttribute>()];
        }
        catch (Exception ex) when (ex is TypeLoadException or IOException or BadImageFormatException or CustomAttributeFormatException)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"plugin '{metadata.Name}': its [assembly: ConverterPlugin] attributes cannot be read ({ex.Message}); "
                + "copy the plugin's complete build output into its folder",
                ex);
        }

        if (declarations.Length == 0)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"plugin '{metadata.Name}' ({metadata.AssemblyPath}) declares no formats; "
                + "add [assembly: ConverterPlugin(typeof(YourFormat))] naming its IModelFormat implementation",
                null);
        }

        var formats = new List<IModelFormat>(declarations.Length);
        using (context.EnterContextualReflection())
        {
            foreach (ConverterPluginAttribute declaration in declarations)
            {
                formats.Add(CreateFormat(metadata, declaration.FormatType));
            }
        }

        return formats;
    }

    private static IModelFormat CreateFormat(PluginMetadata metadata, Type type)
    {
        string prefix = $"plugin '{metadata.Name}' declares format type '{type.FullName}'";
        if (!typeof(IModelFormat).IsAssignableFrom(type))
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"{prefix}, which does not implement {typeof(IModelFormat).FullName}; implement it or remove the attribute",
                null);
        }

        if (type.IsAbstract || type.ContainsGenericParameters)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"{prefix}, which is abstract or generic; name a concrete class in [assembly: ConverterPlugin(typeof(...))]",
                null);
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"{prefix}, which has no public parameterless constructor; add one (the host creates formats without arguments)",
                null);
        }

        IModelFormat format;
        string? name;
        try
        {
            format = (IModelFormat)Activator.CreateInstance(type)!;
            name = format.Name;
        }
        catch (Exception ex)
        {
            Exception cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"{prefix}, which failed to initialise ({cause.GetType().Name}: {cause.Message}); "
                + "fix the format so its constructor and Name do not throw",
                cause);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new PluginLoadException(
                metadata.AssemblyPath,
                $"{prefix}, whose Name is empty; give the format a short lower-case name such as 'darknet'",
                null);
        }

        return format;
    }
}
