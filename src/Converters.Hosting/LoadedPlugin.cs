using System.Runtime.Loader;
using Converters.Abstractions;

namespace Converters.Hosting;

/// <summary>A plugin that loaded and passed validation: its assembly, its formats and its load context.</summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(
        string name,
        Version version,
        string? informationalVersion,
        string assemblyPath,
        IReadOnlyList<IModelFormat> formats,
        AssemblyLoadContext context)
    {
        Name = name;
        Version = version;
        InformationalVersion = informationalVersion;
        AssemblyPath = assemblyPath;
        Formats = formats;
        Context = context;
    }

    /// <summary>The plugin assembly's simple name, which is also its folder's name.</summary>
    public string Name { get; }

    /// <summary>The plugin assembly's version.</summary>
    public Version Version { get; }

    /// <summary>The plugin's <c>AssemblyInformationalVersion</c> (e.g. <c>1.2.0+abc123</c>), if it has one.</summary>
    public string? InformationalVersion { get; }

    /// <summary>The full path of the plugin's main assembly.</summary>
    public string AssemblyPath { get; }

    /// <summary>The formats the plugin declares with <see cref="ConverterPluginAttribute"/>, in declaration order.</summary>
    public IReadOnlyList<IModelFormat> Formats { get; }

    /// <summary>
    /// The plugin's own load context. Wrap calls that make the plugin resolve types by name in
    /// <see cref="AssemblyLoadContext.EnterContextualReflection()"/> on it.
    /// </summary>
    public AssemblyLoadContext Context { get; }

    /// <summary>The plugin as <c>Name Version</c>.</summary>
    public override string ToString() => $"{Name} {InformationalVersion ?? Version.ToString()}";
}
