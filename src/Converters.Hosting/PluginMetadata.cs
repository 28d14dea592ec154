using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Converters.Hosting;

/// <summary>
/// What the host needs to know about a plugin assembly before loading it, read from its metadata
/// without loading any code: its name and version, and the contract version it was built against.
/// </summary>
/// <param name="Name">The assembly's simple name.</param>
/// <param name="Version">The assembly's version.</param>
/// <param name="ContractVersion">The referenced <c>Converters.Abstractions</c> version, or null if it does not reference the contract.</param>
/// <param name="AssemblyPath">The full path of the assembly.</param>
internal sealed record PluginMetadata(string Name, Version Version, Version? ContractVersion, string AssemblyPath)
{
    /// <summary>Reads the metadata of the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <exception cref="PluginLoadException">The file cannot be read or is not a .NET assembly.</exception>
    public static PluginMetadata Read(string assemblyPath)
    {
        try
        {
            using FileStream stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw NotAnAssembly(assemblyPath, "it has no .NET metadata", null);
            }

            MetadataReader reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                throw NotAnAssembly(assemblyPath, "it is a module, not an assembly", null);
            }

            AssemblyDefinition definition = reader.GetAssemblyDefinition();
            Version? contractVersion = null;
            foreach (AssemblyReferenceHandle handle in reader.AssemblyReferences)
            {
                AssemblyReference reference = reader.GetAssemblyReference(handle);
                if (reader.StringComparer.Equals(reference.Name, SharedContract.AbstractionsName, ignoreCase: true))
                {
                    contractVersion = reference.Version;
                }
            }

            return new PluginMetadata(reader.GetString(definition.Name), definition.Version, contractVersion, assemblyPath);
        }
        catch (BadImageFormatException ex)
        {
            throw NotAnAssembly(assemblyPath, ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PluginLoadException(
                assemblyPath,
                $"plugin assembly '{assemblyPath}' cannot be read: {ex.Message}; check that the file exists and is readable",
                ex);
        }
    }

    private static PluginLoadException NotAnAssembly(string assemblyPath, string reason, Exception? innerException) =>
        new(assemblyPath, $"'{assemblyPath}' is not a .NET plugin assembly ({reason}); rebuild the plugin or remove the file", innerException);
}
