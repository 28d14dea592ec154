using Converters.Hosting.Tests.TestSupport;

namespace Converters.Hosting.Tests;

public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_DirectoryIsPluginFolder_LoadsThatPlugin()
    {
        // Given a directory <Name>/ holding <Name>.dll, named with a trailing separator
        string folder = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.Path);

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(folder + Path.DirectorySeparatorChar));

        // Then that plugin is loaded from there
        catalog.Errors.ShouldBeEmpty();
        catalog.Plugins.ShouldHaveSingleItem().AssemblyPath.ShouldBe(Path.Combine(folder, "HelloPlugin.dll"));
    }

    [Fact]
    public void Load_DirectoryOfPluginFolders_LoadsEachInNameOrder()
    {
        // Given a directory holding two plugin folders and a folder that is not a plugin
        string parent = _temp.CreateDirectory("mine");
        TestPluginFolders.CopyTo(TestPluginFolders.Quirky, parent);
        TestPluginFolders.CopyTo(TestPluginFolders.Hello, parent);
        Directory.CreateDirectory(Path.Combine(parent, "notes"));

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(parent));

        // Then both plugins load, ordered by folder name, and the other folder is ignored
        catalog.Errors.ShouldBeEmpty();
        catalog.Plugins.Select(p => p.Name).ShouldBe(["HelloPlugin", "QuirkyPlugin"]);
        catalog.Formats.Select(f => f.Name).ShouldBe(["hello", "throwing", "greedy"]);
    }

    [Fact]
    public void Load_RelativeDirectory_ResolvedAgainstCurrentDirectory()
    {
        // Given the plugin folder named relative to the current directory
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, TestPluginFolders.Folder(TestPluginFolders.Hello));

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(relative));

        // Then the plugin loads with a full path
        catalog.Plugins.ShouldHaveSingleItem().AssemblyPath.ShouldBe(TestPluginFolders.MainAssembly(TestPluginFolders.Hello));
    }

    [Fact]
    public void Load_BundledFolder_LoadsPluginsUnderBaseDirectory()
    {
        // Given a host folder with plugins/HelloPlugin/HelloPlugin.dll
        string bundled = _temp.CreateDirectory("plugins");
        TestPluginFolders.CopyTo(TestPluginFolders.Hello, bundled);

        // When the catalog searches bundled plugins only
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { BaseDirectory = _temp.Path, IncludeEnvironment = false });

        // Then the bundled plugin loads
        catalog.Errors.ShouldBeEmpty();
        catalog.Plugins.ShouldHaveSingleItem().Name.ShouldBe("HelloPlugin");
    }

    [Fact]
    public void Load_NoBundledFolder_ReportsNothing()
    {
        // Given a host folder without plugins/
        // When the catalog searches bundled plugins only
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { BaseDirectory = _temp.Path, IncludeEnvironment = false });

        // Then there are no plugins and no errors
        catalog.Plugins.ShouldBeEmpty();
        catalog.Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Load_IncludeBundledFalse_IgnoresBundledFolder()
    {
        // Given a host folder with a bundled plugin
        TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("plugins"));

        // When bundled plugins are switched off
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions
        {
            BaseDirectory = _temp.Path,
            IncludeBundled = false,
            IncludeEnvironment = false,
        });

        // Then nothing is loaded
        catalog.Plugins.ShouldBeEmpty();
    }

    [Fact]
    public void Load_DefaultBaseDirectory_FindsTestPluginsBundledWithTheTests()
    {
        // Given the test output, whose plugins/ folder holds every test plugin, good and bad
        // When the catalog loads with the default base directory
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { IncludeEnvironment = false });

        // Then the good plugins load in folder-name order and each bad one is reported, without throwing
        catalog.Plugins.Select(p => p.Name).ShouldBe(["HelloPlugin", "PrivateYamlPlugin", "QuirkyPlugin"]);
        catalog.Errors.Select(e => Path.GetFileNameWithoutExtension(e.PluginPath)).ShouldBe(
            ["NoDefaultConstructorPlugin", "NoFormatPlugin", "ShipsContractPlugin", "WrongEntryTypePlugin"]);
        catalog.Errors.ShouldAllBe(e => !e.Message.Contains('\n'));
    }

    [Fact]
    public void Load_MissingDirectory_ReportsErrorNamingIt()
    {
        // Given a directory that does not exist, next to one that does
        string missing = Path.Combine(_temp.Path, "nowhere");

        // When both are searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(missing, TestPluginFolders.Folder(TestPluginFolders.Hello)));

        // Then the missing one is reported by name and the other still loads
        PluginLoadException error = catalog.Errors.ShouldHaveSingleItem();
        error.PluginPath.ShouldBe(missing);
        error.Message.ShouldBe($"plugin directory '{missing}' does not exist; fix the path or remove it from the plugin directories");
        catalog.Plugins.ShouldHaveSingleItem().Name.ShouldBe("HelloPlugin");
    }

    [Fact]
    public void Load_PathIsTheAssemblyFile_ReportsErrorNamingTheFolder()
    {
        // Given the plugin's .dll named instead of its folder
        string assembly = TestPluginFolders.MainAssembly(TestPluginFolders.Hello);

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(assembly));

        // Then the error points at the folder to name instead
        catalog.Plugins.ShouldBeEmpty();
        catalog.Errors.ShouldHaveSingleItem().Message.ShouldBe(
            $"'{assembly}' (from the plugin directories) is a file; name the plugin's folder '{Path.GetDirectoryName(assembly)}' instead");
    }

    [Fact]
    public void Load_DirectoryWithoutPlugins_ReportsError()
    {
        // Given an existing directory with no plugin folder in it
        string empty = _temp.CreateDirectory("empty");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no plugins here");

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(empty));

        // Then the user learns that nothing was found there and what a plugin folder looks like
        PluginLoadException error = catalog.Errors.ShouldHaveSingleItem();
        error.PluginPath.ShouldBe(empty);
        error.Message.ShouldContain($"no plugin found in '{empty}'");
        error.Message.ShouldContain("<Name>/ holding <Name>.dll");
    }

    [Fact]
    public void Load_SamePluginNameTwice_FirstWinsAndLaterIsReported()
    {
        // Given two directories that each hold a HelloPlugin
        string first = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("first"));
        string second = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("second"));

        // When both are searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(Path.GetDirectoryName(first)!, Path.GetDirectoryName(second)!));

        // Then the first is loaded and the second is reported, naming both folders
        catalog.Plugins.ShouldHaveSingleItem().AssemblyPath.ShouldStartWith(first);
        PluginLoadException error = catalog.Errors.ShouldHaveSingleItem();
        error.PluginPath.ShouldBe(Path.Combine(second, "HelloPlugin.dll"));
        error.Message.ShouldBe(
            $"plugin 'HelloPlugin' at '{second}' is ignored because a plugin of the same name was already loaded from '{first}'; "
            + "remove one of the two folders");
    }

    [Fact]
    public void Load_SameFolderTwice_LoadsOnceWithoutError()
    {
        // Given the same plugin folder named twice
        string folder = TestPluginFolders.Folder(TestPluginFolders.Hello);

        // When it is searched
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(folder, folder));

        // Then it loads once and that is not an error
        catalog.Plugins.Count.ShouldBe(1);
        catalog.Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Load_PluginInDirectoriesAndBundled_DirectoriesWin()
    {
        // Given a bundled HelloPlugin and another HelloPlugin in a directory the user names
        TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("plugins"));
        string mine = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("mine"));

        // When both sources are searched
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions
        {
            Directories = [mine],
            BaseDirectory = _temp.Path,
            IncludeEnvironment = false,
        });

        // Then the user's plugin wins and the bundled one is reported as a duplicate
        catalog.Plugins.ShouldHaveSingleItem().AssemblyPath.ShouldStartWith(mine);
        catalog.Errors.ShouldHaveSingleItem().PluginPath.ShouldStartWith(Path.Combine(_temp.Path, "plugins"));
    }

    [Fact]
    public void Load_EmptyDirectoryName_ReportsError()
    {
        // Given an empty string among the directories
        // When searching
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(" "));

        // Then it is reported instead of searching the current directory
        catalog.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("an empty path was given in the plugin directories");
    }
}
