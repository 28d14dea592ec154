using System.Runtime.Loader;
using Converters.Abstractions;
using Converters.Hosting.Tests.TestSupport;
using Converters.Ir;
using YamlDotNet.RepresentationModel;

namespace Converters.Hosting.Tests;

public sealed class PluginLoadContextTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_PluginWithOlderPrivateDependency_EachSideSeesItsOwnVersion()
    {
        // Given the host using YamlDotNet 16 and a plugin that ships YamlDotNet 15
        Version hostYaml = typeof(YamlStream).Assembly.GetName().Version!;
        hostYaml.Major.ShouldBe(16);
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(TestPluginFolders.Folder(TestPluginFolders.PrivateYaml)));
        LoadedPlugin plugin = catalog.Plugins.ShouldHaveSingleItem();
        string file = _temp.WriteFile("net.yamlprobe", "name: probe\nlayers: [conv, relu]\n");

        // When the plugin parses YAML through the contract
        Model model = plugin.Formats.Single().Read([ModelFile.Open(file)], FormatOptions.Empty);

        // Then it used its own YamlDotNet 15, loaded in its own context, while the host keeps 16
        model.Graph.Name.ShouldBe("probe");
        model.ProducerName.ShouldBe("YamlDotNet 15.0.0.0");
        plugin.Formats.Single().DisplayName.ShouldBe("YAML probe (YamlDotNet 15.0.0.0)");
        var pluginYaml = plugin.Context.Assemblies.Single(a => a.GetName().Name == "YamlDotNet");
        pluginYaml.GetName().Version!.Major.ShouldBe(15);
        pluginYaml.Location.ShouldBe(Path.Combine(TestPluginFolders.Folder(TestPluginFolders.PrivateYaml), "YamlDotNet.dll"));
        AssemblyLoadContext.GetLoadContext(typeof(YamlStream).Assembly).ShouldBe(AssemblyLoadContext.Default);
        typeof(YamlStream).Assembly.GetName().Version.ShouldBe(hostYaml);
    }

    [Fact]
    public void Load_SamePluginInTwoCatalogs_GetsTwoContextsSharingTheContract()
    {
        // Given the hello plugin loaded by two catalogs
        using PluginCatalog first = PluginCatalog.Load(TestPluginFolders.Only(TestPluginFolders.Folder(TestPluginFolders.Hello)));
        using PluginCatalog second = PluginCatalog.Load(TestPluginFolders.Only(TestPluginFolders.Folder(TestPluginFolders.Hello)));

        // When comparing their formats
        IModelFormat a = first.Formats.Single();
        IModelFormat b = second.Formats.Single();

        // Then each has its own context and plugin type, and both are the host's IModelFormat
        first.Plugins.Single().Context.ShouldNotBeSameAs(second.Plugins.Single().Context);
        a.GetType().ShouldNotBe(b.GetType());
        a.GetType().FullName.ShouldBe(b.GetType().FullName);
        a.ShouldBeAssignableTo<IModelFormat>();
        b.ShouldBeAssignableTo<IModelFormat>();
    }

    [Fact]
    public void Load_PluginShippingContract_ContractNeverLoadedFromPluginFolder()
    {
        // Given every test plugin, including the one that ships the contract, loaded together
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(TestPluginFolders.Root));

        // When listing what the plugin contexts loaded
        string[] loaded = [.. catalog.Plugins.SelectMany(p => p.Context.Assemblies).Select(a => a.GetName().Name!)];

        // Then no context holds its own copy of the contract
        loaded.ShouldNotContain("Converters.Abstractions");
        loaded.ShouldNotContain("Converters.Ir");
        AssemblyLoadContext.All
            .SelectMany(c => c.Assemblies)
            .Count(a => a.GetName().Name == "Converters.Abstractions")
            .ShouldBe(1);
    }
}
