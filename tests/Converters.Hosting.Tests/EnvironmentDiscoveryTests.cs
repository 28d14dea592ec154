using Converters.Hosting.Tests.TestSupport;

namespace Converters.Hosting.Tests;

// Discovery through CONVERTERS_PLUGINS; these tests change the process environment, so they run alone.
[Collection(EnvironmentVariableCollectionDefinition.Name)]
public sealed class EnvironmentDiscoveryTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_VariableListsDirectories_LoadsPluginsFromEach()
    {
        // Given CONVERTERS_PLUGINS naming a folder of plugin folders and a plugin folder, with empty entries
        string parent = _temp.CreateDirectory("parent");
        TestPluginFolders.CopyTo(TestPluginFolders.Quirky, parent);
        string hello = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.Path);
        string list = string.Join(Path.PathSeparator, [string.Empty, hello, " ", parent, string.Empty]);
        using var variable = new EnvironmentVariableScope(PluginSearchOptions.EnvironmentVariable, list);

        // When the catalog searches the environment only
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { IncludeBundled = false });

        // Then both plugins load in the variable's order
        catalog.Errors.ShouldBeEmpty();
        catalog.Plugins.Select(p => p.Name).ShouldBe(["HelloPlugin", "QuirkyPlugin"]);
    }

    [Fact]
    public void Load_VariableNamesMissingDirectory_ReportsItAndTheVariable()
    {
        // Given CONVERTERS_PLUGINS naming a folder that does not exist
        string missing = Path.Combine(_temp.Path, "gone");
        using var variable = new EnvironmentVariableScope(PluginSearchOptions.EnvironmentVariable, missing);

        // When the catalog searches it
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { IncludeBundled = false });

        // Then the error names the folder and where it came from
        PluginLoadException error = catalog.Errors.ShouldHaveSingleItem();
        error.PluginPath.ShouldBe(missing);
        error.Message.ShouldBe($"plugin directory '{missing}' does not exist; fix the path or remove it from CONVERTERS_PLUGINS");
    }

    [Fact]
    public void Load_IncludeEnvironmentFalse_IgnoresVariable()
    {
        // Given CONVERTERS_PLUGINS naming a plugin folder
        string hello = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.Path);
        using var variable = new EnvironmentVariableScope(PluginSearchOptions.EnvironmentVariable, hello);

        // When the environment is switched off
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { IncludeBundled = false, IncludeEnvironment = false });

        // Then nothing is loaded
        catalog.Plugins.ShouldBeEmpty();
        catalog.Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Load_VariableUnset_SearchesOtherSourcesOnly()
    {
        // Given no CONVERTERS_PLUGINS
        using var variable = new EnvironmentVariableScope(PluginSearchOptions.EnvironmentVariable, null);

        // When the catalog searches the environment and a named folder
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions
        {
            Directories = [TestPluginFolders.Folder(TestPluginFolders.Hello)],
            IncludeBundled = false,
        });

        // Then only the named folder contributes, without errors
        catalog.Errors.ShouldBeEmpty();
        catalog.Plugins.ShouldHaveSingleItem().Name.ShouldBe("HelloPlugin");
    }

    [Fact]
    public void Load_SameNameInDirectoriesAndVariable_DirectoriesWin()
    {
        // Given a HelloPlugin named with Directories and another one in CONVERTERS_PLUGINS
        string mine = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("mine"));
        string fromVariable = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.CreateDirectory("env"));
        using var variable = new EnvironmentVariableScope(PluginSearchOptions.EnvironmentVariable, fromVariable);

        // When both sources are searched
        using PluginCatalog catalog = PluginCatalog.Load(new PluginSearchOptions { Directories = [mine], IncludeBundled = false });

        // Then the one from Directories is loaded and the other reported
        catalog.Plugins.ShouldHaveSingleItem().AssemblyPath.ShouldStartWith(mine);
        catalog.Errors.ShouldHaveSingleItem().PluginPath.ShouldStartWith(fromVariable);
    }
}
