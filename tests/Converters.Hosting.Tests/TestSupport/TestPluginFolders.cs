namespace Converters.Hosting.Tests.TestSupport;

/// <summary>
/// The real test plugins from tests/TestPlugins, which the test project's CopyTestPlugins target copies
/// into the test output as bundled plugins: <c>&lt;output&gt;/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>.
/// </summary>
internal static class TestPluginFolders
{
    public const string Hello = "HelloPlugin";
    public const string PrivateYaml = "PrivateYamlPlugin";
    public const string Quirky = "QuirkyPlugin";
    public const string ShipsContract = "ShipsContractPlugin";
    public const string NoFormat = "NoFormatPlugin";
    public const string WrongEntryType = "WrongEntryTypePlugin";
    public const string NoDefaultConstructor = "NoDefaultConstructorPlugin";

    /// <summary>The folder of bundled plugins in the test output.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The plugin folder of test plugin <paramref name="name"/>; fails if the build did not copy it.</summary>
    public static string Folder(string name)
    {
        string folder = Path.Combine(Root, name);
        File.Exists(Path.Combine(folder, name + ".dll")).ShouldBeTrue($"test plugin {name} was not copied to {folder}");
        return folder;
    }

    /// <summary>The main assembly of test plugin <paramref name="name"/>.</summary>
    public static string MainAssembly(string name) => Path.Combine(Folder(name), name + ".dll");

    /// <summary>Copies test plugin <paramref name="name"/> to <c>parent/&lt;name&gt;/</c> and returns that folder.</summary>
    public static string CopyTo(string name, string parent)
    {
        string source = Folder(name);
        string target = Path.Combine(parent, name);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Options that search only <paramref name="directories"/>: no bundled plugins, no environment.</summary>
    public static PluginSearchOptions Only(params string[] directories) => new()
    {
        Directories = directories,
        IncludeBundled = false,
        IncludeEnvironment = false,
    };
}
