namespace Converters.Hosting;

/// <summary>
/// Where <see cref="PluginCatalog.Load"/> looks for plugins. A plugin is a folder <c>&lt;Name&gt;/</c>
/// holding <c>&lt;Name&gt;.dll</c> and the rest of its build output. Sources are searched in this order:
/// <see cref="Directories"/>, then <see cref="EnvironmentVariable"/>, then the bundled folder.
/// </summary>
/// <seealso href="../../docs/hosting.md"/>
public sealed record PluginSearchOptions
{
    /// <summary>The environment variable that lists extra plugin directories, separated by <see cref="Path.PathSeparator"/>.</summary>
    public const string EnvironmentVariable = "CONVERTERS_PLUGINS";

    /// <summary>
    /// Directories named by the user (<c>--plugins DIR</c>). Each is either a plugin folder
    /// (<c>DIR/&lt;Name&gt;.dll</c> where <c>&lt;Name&gt;</c> is the folder's name) or a folder of plugin
    /// folders. A directory that does not exist or holds no plugin is reported in <see cref="PluginCatalog.Errors"/>.
    /// </summary>
    public IReadOnlyList<string> Directories { get; init; } = [];

    /// <summary>Whether to load the plugins shipped with the host, <c>&lt;BaseDirectory&gt;/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>.</summary>
    public bool IncludeBundled { get; init; } = true;

    /// <summary>Whether to search the directories listed in <see cref="EnvironmentVariable"/>, with the same rules as <see cref="Directories"/>.</summary>
    public bool IncludeEnvironment { get; init; } = true;

    /// <summary>The folder that holds the bundled <c>plugins/</c> folder; the host's own folder by default.</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>
    /// Whether to load plugins into collectible contexts, which <see cref="PluginCatalog.Dispose"/> unloads.
    /// Costs some speed; meant for tests and long-running hosts.
    /// </summary>
    public bool Collectible { get; init; }
}
