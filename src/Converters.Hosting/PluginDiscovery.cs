namespace Converters.Hosting;

/// <summary>
/// Finds plugin main assemblies by the folder convention: a plugin is a folder <c>&lt;Name&gt;/</c>
/// holding <c>&lt;Name&gt;.dll</c>. Searches <see cref="PluginSearchOptions.Directories"/>, then the
/// directories in <see cref="PluginSearchOptions.EnvironmentVariable"/>, then the bundled
/// <c>plugins/</c> folder. Problems with directories the user named are reported; a missing bundled
/// folder is not.
/// </summary>
internal static class PluginDiscovery
{
    /// <summary>The bundled plugins folder under <see cref="PluginSearchOptions.BaseDirectory"/>.</summary>
    public const string BundledFolderName = "plugins";

    /// <summary>
    /// The full paths of the plugin main assemblies, in search order, lazily; each problem found on the
    /// way is added to <paramref name="errors"/> when the enumeration reaches it.
    /// </summary>
    public static IEnumerable<string> FindMainAssemblies(PluginSearchOptions options, ICollection<PluginLoadException> errors)
    {
        foreach (string directory in options.Directories)
        {
            foreach (string path in SearchNamedDirectory(directory, "the plugin directories", errors))
            {
                yield return path;
            }
        }

        if (options.IncludeEnvironment)
        {
            string? list = Environment.GetEnvironmentVariable(PluginSearchOptions.EnvironmentVariable);
            string[] directories = (list ?? string.Empty).Split(
                Path.PathSeparator,
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string directory in directories)
            {
                foreach (string path in SearchNamedDirectory(directory, PluginSearchOptions.EnvironmentVariable, errors))
                {
                    yield return path;
                }
            }
        }

        if (options.IncludeBundled)
        {
            string bundled = Path.GetFullPath(Path.Combine(options.BaseDirectory, BundledFolderName));
            if (Directory.Exists(bundled))
            {
                foreach (string path in SearchPluginFolders(bundled))
                {
                    yield return path;
                }
            }
        }
    }

    private static List<string> SearchNamedDirectory(string directory, string source, ICollection<PluginLoadException> errors)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            errors.Add(new PluginLoadException(
                directory ?? string.Empty,
                $"an empty path was given in {source}; name a plugin folder or a folder of plugin folders",
                null));
            return [];
        }

        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (File.Exists(full))
        {
            errors.Add(new PluginLoadException(
                full,
                $"'{full}' (from {source}) is a file; name the plugin's folder '{Path.GetDirectoryName(full)}' instead",
                null));
            return [];
        }

        if (!Directory.Exists(full))
        {
            errors.Add(new PluginLoadException(
                full,
                $"plugin directory '{full}' does not exist; fix the path or remove it from {source}",
                null));
            return [];
        }

        string? self = MainAssemblyOf(full);
        if (self is not null)
        {
            return [self];
        }

        List<string> found = [.. SearchPluginFolders(full)];
        if (found.Count == 0)
        {
            errors.Add(new PluginLoadException(
                full,
                $"no plugin found in '{full}' (from {source}); a plugin is a folder <Name>/ holding <Name>.dll: "
                + "name such a folder or a folder of such folders",
                null));
        }

        return found;
    }

    private static IEnumerable<string> SearchPluginFolders(string directory)
    {
        string[] children = Directory.GetDirectories(directory);
        Array.Sort(children, StringComparer.Ordinal);
        foreach (string child in children)
        {
            string? main = MainAssemblyOf(child);
            if (main is not null)
            {
                yield return main;
            }
        }
    }

    /// <summary><c>folder/&lt;folder name&gt;.dll</c> if that file exists, else null.</summary>
    private static string? MainAssemblyOf(string folder)
    {
        string name = Path.GetFileName(folder);
        if (name.Length == 0)
        {
            return null;
        }

        string path = Path.Combine(folder, name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
