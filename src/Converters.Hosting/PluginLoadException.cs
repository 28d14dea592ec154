namespace Converters.Hosting;

/// <summary>
/// A plugin was rejected or could not be loaded. The message is one line that says what is wrong
/// and how to fix it; <see cref="PluginPath"/> names the plugin's main assembly or folder.
/// <see cref="PluginCatalog"/> collects these in <see cref="PluginCatalog.Errors"/> instead of throwing.
/// </summary>
public sealed class PluginLoadException : Exception
{
    /// <summary>Creates an exception with a default message and no path.</summary>
    public PluginLoadException()
        : this("The plugin could not be loaded.")
    {
    }

    /// <summary>Creates an exception with a message and no path.</summary>
    public PluginLoadException(string message)
        : this(string.Empty, message, null)
    {
    }

    /// <summary>Creates an exception with a message, the low-level cause and no path.</summary>
    public PluginLoadException(string message, Exception? innerException)
        : this(string.Empty, message, innerException)
    {
    }

    /// <summary>Creates an exception about the plugin at <paramref name="pluginPath"/>.</summary>
    /// <param name="pluginPath">The plugin's main assembly, or the folder when no assembly is involved.</param>
    /// <param name="message">One line: what is wrong and how to fix it.</param>
    /// <param name="innerException">The low-level cause, if any.</param>
    public PluginLoadException(string pluginPath, string message, Exception? innerException)
        : base(message.ReplaceLineEndings(" "), innerException)
    {
        ArgumentNullException.ThrowIfNull(pluginPath);
        PluginPath = pluginPath;
    }

    /// <summary>The plugin's main assembly or folder; empty when unknown.</summary>
    public string PluginPath { get; }
}
