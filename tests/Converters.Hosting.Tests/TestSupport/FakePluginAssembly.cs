using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Converters.Hosting.Tests.TestSupport;

/// <summary>
/// Writes a minimal plugin assembly (metadata only, no types, no attributes) that references
/// <c>Converters.Abstractions</c> at a chosen version: a plugin "built against" another contract
/// version, which no project in this repository could produce.
/// </summary>
internal static class FakePluginAssembly
{
    /// <summary>Writes <c>parent/&lt;name&gt;/&lt;name&gt;.dll</c> and returns the plugin folder.</summary>
    public static string Write(string parent, string name, Version contractVersion)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(
            0,
            metadata.GetOrAddString(name + ".dll"),
            metadata.GetOrAddGuid(Guid.NewGuid()),
            default,
            default);
        metadata.AddAssembly(
            metadata.GetOrAddString(name),
            new Version(1, 0, 0, 0),
            default,
            default,
            default,
            AssemblyHashAlgorithm.Sha1);
        metadata.AddAssemblyReference(
            metadata.GetOrAddString("Converters.Abstractions"),
            contractVersion,
            default,
            default,
            default,
            default);
        metadata.AddTypeDefinition(
            default,
            default,
            metadata.GetOrAddString("<Module>"),
            default,
            MetadataTokens.FieldDefinitionHandle(1),
            MetadataTokens.MethodDefinitionHandle(1));

        var pe = new ManagedPEBuilder(
            PEHeaderBuilder.CreateLibraryHeader(),
            new MetadataRootBuilder(metadata),
            new BlobBuilder());
        var image = new BlobBuilder();
        pe.Serialize(image);

        string folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, name + ".dll"), image.ToArray());
        return folder;
    }
}
