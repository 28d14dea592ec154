using Converters.Abstractions;

namespace Converters.Hosting;

/// <summary>
/// The plugins found by <see cref="Load"/>, each in its own load context, and the formats they provide.
/// A bad plugin never makes loading fail: it is left out and reported in <see cref="Errors"/>.
/// </summary>
/// <remarks>
/// The catalog holds the only host-side references to plugin objects; it caches nothing in statics, so
/// with <see cref="PluginSearchOptions.Collectible"/> set, disposing it lets the plugins unload once the
/// caller drops its own references to their formats and models of their types.
/// </remarks>
/// <seealso href="../../docs/hosting.md"/>
public sealed class PluginCatalog : IDisposable
{
    private IReadOnlyList<LoadedPlugin> _plugins;
    private IReadOnlyList<PluginLoadException> _errors;
    private IReadOnlyList<RegisteredFormat> _registered;
    private IReadOnlyList<IModelFormat> _formats;

    private PluginCatalog(List<LoadedPlugin> plugins, List<PluginLoadException> errors)
    {
        _plugins = plugins;
        _errors = errors;
        _registered = [.. plugins.SelectMany(p => p.Formats.Select(f => new RegisteredFormat(f.Name, f, p)))];
        _formats = [.. _registered.Select(r => r.Format)];
    }

    /// <summary>The loaded plugins in discovery order; empty after <see cref="Dispose"/>.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    /// <summary>
    /// The plugins that were rejected or failed to load, and the named directories that do not exist or
    /// hold no plugin, in discovery order; empty after <see cref="Dispose"/>.
    /// </summary>
    public IReadOnlyList<PluginLoadException> Errors => _errors;

    /// <summary>The formats of all plugins, plugin by plugin in discovery order; empty after <see cref="Dispose"/>.</summary>
    public IReadOnlyList<IModelFormat> Formats => _formats;

    /// <summary>
    /// Finds and loads the plugins <paramref name="options"/> describe. When two plugins have the same
    /// name the first one found wins and the later one is reported in <see cref="Errors"/>.
    /// </summary>
    public static PluginCatalog Load(PluginSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plugins = new List<LoadedPlugin>();
        var errors = new List<PluginLoadException>();
        var byName = new Dictionary<string, LoadedPlugin>(StringComparer.OrdinalIgnoreCase);
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);

        foreach (string path in PluginDiscovery.FindMainAssemblies(options, errors))
        {
            if (!seenPaths.Add(path))
            {
                // The same folder reached twice (named both on the command line and in the environment).
                continue;
            }

            try
            {
                PluginMetadata metadata = PluginMetadata.Read(path);
                if (byName.TryGetValue(metadata.Name, out LoadedPlugin? first))
                {
                    errors.Add(new PluginLoadException(
                        path,
                        $"plugin '{metadata.Name}' at '{Path.GetDirectoryName(path)}' is ignored because a plugin of the same name "
                        + $"was already loaded from '{Path.GetDirectoryName(first.AssemblyPath)}'; remove one of the two folders",
                        null));
                    continue;
                }

                LoadedPlugin plugin = PluginLoader.Load(metadata, options.Collectible);
                plugins.Add(plugin);
                byName.Add(plugin.Name, plugin);
            }
            catch (PluginLoadException ex)
            {
                errors.Add(ex);
            }
        }

        return new PluginCatalog(plugins, errors);
    }

    /// <summary>The format whose <see cref="IModelFormat.Name"/> is <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <remarks>If two plugins provide formats of the same name, the one loaded first is returned.</remarks>
    public IModelFormat? FindFormat(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (RegisteredFormat registered in _registered)
        {
            if (string.Equals(registered.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return registered.Format;
            }
        }

        return null;
    }

    /// <summary>
    /// Asks every format whether <paramref name="files"/> are its own and returns the most confident
    /// one; on a tie, the one loaded first. A format whose <see cref="IModelFormat.Detect"/> throws
    /// counts as <see cref="DetectionConfidence.None"/>. Null if no format recognises the files.
    /// </summary>
    public FormatMatch? Detect(IReadOnlyList<ModelFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        RegisteredFormat? best = null;
        DetectionConfidence bestConfidence = DetectionConfidence.None;
        foreach (RegisteredFormat registered in _registered)
        {
            DetectionConfidence confidence = DetectSafely(registered, files);
            if (confidence > bestConfidence)
            {
                best = registered;
                bestConfidence = confidence;
            }
        }

        return best is null ? null : new FormatMatch(best.Format, bestConfidence, best.Plugin);
    }

    /// <summary>
    /// Forgets all plugins, formats and errors, and unloads the plugins' contexts if they are collectible.
    /// Unloading completes once nothing else references the plugins' types or objects.
    /// </summary>
    public void Dispose()
    {
        IReadOnlyList<LoadedPlugin> plugins = _plugins;
        _plugins = [];
        _errors = [];
        _registered = [];
        _formats = [];
        foreach (LoadedPlugin plugin in plugins)
        {
            if (plugin.Context.IsCollectible)
            {
                plugin.Context.Unload();
            }
        }
    }

    private static DetectionConfidence DetectSafely(RegisteredFormat registered, IReadOnlyList<ModelFile> files)
    {
        try
        {
            using (registered.Plugin.Context.EnterContextualReflection())
            {
                DetectionConfidence confidence = registered.Format.Detect(files);
                return confidence is DetectionConfidence.Extension or DetectionConfidence.Content
                    ? confidence
                    : DetectionConfidence.None;
            }
        }
        catch (Exception)
        {
            // Detect must not throw; a format that does anyway simply does not match.
            return DetectionConfidence.None;
        }
    }
}
