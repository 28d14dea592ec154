using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Converters.Abstractions;
using Converters.Hosting.Tests.TestSupport;
using Converters.Ir;

namespace Converters.Hosting.Tests;

public sealed class PluginCatalogTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_GoodPlugin_LoadsPluginAndItsFormat()
    {
        // Given the folder of a well-formed plugin
        string folder = TestPluginFolders.Folder(TestPluginFolders.Hello);

        // When the catalog loads it
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(folder));

        // Then the plugin, its version, its path and its one format are there, in a context of its own
        catalog.Errors.ShouldBeEmpty();
        LoadedPlugin plugin = catalog.Plugins.ShouldHaveSingleItem();
        plugin.Name.ShouldBe("HelloPlugin");
        plugin.Version.ShouldBe(new Version(1, 2, 3, 0));
        plugin.InformationalVersion.ShouldNotBeNull().ShouldStartWith("1.2.3");
        plugin.AssemblyPath.ShouldBe(Path.Combine(folder, "HelloPlugin.dll"));
        plugin.Context.ShouldNotBe(AssemblyLoadContext.Default);
        plugin.Context.Name.ShouldBe("HelloPlugin");
        plugin.Context.IsCollectible.ShouldBeFalse();
        IModelFormat format = plugin.Formats.ShouldHaveSingleItem();
        format.Name.ShouldBe("hello");
        format.Extensions.ShouldBe([".hello"]);
        catalog.Formats.ShouldBe([format]);
    }

    [Fact]
    public void Load_NullOptions_ThrowsArgumentNullException()
    {
        // Given no options / When loading / Then the argument is rejected
        Should.Throw<ArgumentNullException>(() => PluginCatalog.Load(null!));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("HELLO")]
    [InlineData("Hello")]
    public void FindFormat_NameInAnyCase_ReturnsFormat(string name)
    {
        // Given a catalog with the hello format
        using PluginCatalog catalog = LoadHello();

        // When looking it up by name
        IModelFormat? format = catalog.FindFormat(name);

        // Then the plugin's instance is returned
        format.ShouldBeSameAs(catalog.Formats.Single());
    }

    [Fact]
    public void FindFormat_UnknownName_ReturnsNull()
    {
        // Given a catalog with the hello format
        using PluginCatalog catalog = LoadHello();

        // When looking up a name no plugin provides / Then nothing is found
        catalog.FindFormat("darknet").ShouldBeNull();
    }

    [Fact]
    public void Detect_ExtensionOnly_MatchesByExtension()
    {
        // Given a .hello file whose content is not the magic line
        using PluginCatalog catalog = LoadHello();
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.hello", "something else\n"));

        // When detecting its format
        FormatMatch? match = catalog.Detect([file]);

        // Then the hello format claims it by extension
        match.ShouldNotBeNull();
        match.Format.Name.ShouldBe("hello");
        match.Confidence.ShouldBe(DetectionConfidence.Extension);
        match.Plugin.ShouldBeSameAs(catalog.Plugins.Single());
    }

    [Fact]
    public void Detect_MagicContentUnderOtherExtension_MatchesByContent()
    {
        // Given a .txt file that starts with the magic line
        using PluginCatalog catalog = LoadHello();
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.txt", "HELLO\n"));

        // When detecting its format
        FormatMatch? match = catalog.Detect([file]);

        // Then the hello format claims it by content
        match.ShouldNotBeNull();
        match.Format.Name.ShouldBe("hello");
        match.Confidence.ShouldBe(DetectionConfidence.Content);
    }

    [Fact]
    public void Detect_NoFormatRecognisesFiles_ReturnsNull()
    {
        // Given a file no loaded format knows
        using PluginCatalog catalog = LoadHello();
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.cfg", "[net]\n"));

        // When detecting / Then there is no match
        catalog.Detect([file]).ShouldBeNull();
    }

    [Fact]
    public void Detect_EmptyCatalog_ReturnsNull()
    {
        // Given a catalog without plugins
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only());
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.hello", "HELLO\n"));

        // When detecting / Then there is no match
        catalog.Formats.ShouldBeEmpty();
        catalog.Detect([file]).ShouldBeNull();
    }

    [Fact]
    public void Detect_FormatThrows_TreatedAsNoMatch()
    {
        // Given a plugin whose first format throws from Detect, loaded before the hello plugin
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(
            TestPluginFolders.Folder(TestPluginFolders.Quirky),
            TestPluginFolders.Folder(TestPluginFolders.Hello)));
        catalog.Formats.Select(f => f.Name).ShouldBe(["throwing", "greedy", "hello"]);
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.hello", "HELLO\n"));

        // When detecting
        FormatMatch? match = catalog.Detect([file]);

        // Then the exception is swallowed and the most confident format still wins
        match.ShouldNotBeNull();
        match.Format.Name.ShouldBe("hello");
        match.Confidence.ShouldBe(DetectionConfidence.Content);
    }

    [Theory]
    [InlineData(TestPluginFolders.Hello, TestPluginFolders.Quirky, "hello")]
    [InlineData(TestPluginFolders.Quirky, TestPluginFolders.Hello, "greedy")]
    public void Detect_TiedConfidence_FirstLoadedFormatWins(string first, string second, string expected)
    {
        // Given two plugins whose formats both claim a .hello file by extension
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(
            TestPluginFolders.Folder(first),
            TestPluginFolders.Folder(second)));
        ModelFile file = ModelFile.Open(_temp.WriteFile("net.hello", "not the magic\n"));

        // When detecting
        FormatMatch? match = catalog.Detect([file]);

        // Then the format loaded first wins the tie
        match.ShouldNotBeNull();
        match.Confidence.ShouldBe(DetectionConfidence.Extension);
        match.Format.Name.ShouldBe(expected);
    }

    [Fact]
    public void Read_ThroughContract_ReturnsHostModel()
    {
        // Given the hello format, loaded in its own context, and a .hello file
        using PluginCatalog catalog = LoadHello();
        IModelFormat format = catalog.FindFormat("hello").ShouldNotBeNull();
        ModelFile file = ModelFile.Open(_temp.WriteFile("tiny.hello", "HELLO\n"));

        // When the host reads it through IModelFormat
        Model model = format.Read([file], FormatOptions.Empty);

        // Then the model is the host's Model type, with the plugin's one Relu node
        model.GetType().ShouldBe(typeof(Model));
        model.SourceFormat.ShouldBe("hello");
        model.ProducerName.ShouldBe("HelloPlugin");
        model.Graph.Name.ShouldBe("tiny");
        Node node = model.Graph.Nodes.ShouldHaveSingleItem();
        node.OpType.ShouldBe("Relu");
        node.Inputs.ShouldBe(["x"]);
        node.Outputs.ShouldBe(["y"]);
        model.Graph.Outputs.ShouldBe(["y"]);
    }

    [Fact]
    public void Load_GoodPlugin_ContractTypesAreTheHosts()
    {
        // Given the hello plugin loaded into its own context
        using PluginCatalog catalog = LoadHello();
        LoadedPlugin plugin = catalog.Plugins.Single();
        IModelFormat format = plugin.Formats.Single();
        Type formatType = format.GetType();

        // When comparing the types the plugin was compiled against with the host's
        Type pluginInterface = formatType.GetInterfaces().Single(i => i.Name == nameof(IModelFormat));
        Type pluginModel = formatType.GetMethod(nameof(IModelFormat.Read))!.ReturnType;

        // Then they are the very same types: the plugin's own code is in its context, the contract in the host's
        (format is IModelFormat).ShouldBeTrue();
        pluginInterface.ShouldBeSameAs(typeof(IModelFormat));
        pluginModel.ShouldBeSameAs(typeof(Model));
        AssemblyLoadContext.GetLoadContext(formatType.Assembly).ShouldBeSameAs(plugin.Context);
        AssemblyLoadContext.GetLoadContext(typeof(Model).Assembly).ShouldNotBeSameAs(plugin.Context);
        plugin.Context.Assemblies.Select(a => a.GetName().Name).ShouldBe(["HelloPlugin"]);
    }

    [Fact]
    public void Read_MalformedFile_ThrowsHostModelFormatException()
    {
        // Given a .hello file without the magic line
        using PluginCatalog catalog = LoadHello();
        IModelFormat format = catalog.FindFormat("hello").ShouldNotBeNull();
        string path = _temp.WriteFile("bad.hello", "GOODBYE\n");

        // When the plugin reads it
        ModelFormatException error = Should.Throw<ModelFormatException>(
            () => format.Read([ModelFile.Open(path)], FormatOptions.Empty));

        // Then the host catches the contract's exception type, with the plugin's location
        error.FilePath.ShouldBe(path);
        error.Line.ShouldBe(1);
        error.ToDiagnostic().ShouldBe($"{path}:1:1: expected 'HELLO', got \"GOODBYE\"");
    }

    [Fact]
    public void Write_ModelFromPlugin_RoundTrips()
    {
        // Given a model read by the hello format
        using PluginCatalog catalog = LoadHello();
        IModelFormat format = catalog.FindFormat("hello").ShouldNotBeNull();
        Model model = format.Read([ModelFile.Open(_temp.WriteFile("in.hello", "HELLO\n"))], FormatOptions.Empty);
        string output = _temp.CreateDirectory("out");

        // When the plugin writes it back
        IReadOnlyList<string> written = format.Write(model, output, "copy", FormatOptions.Empty);

        // Then one .hello file comes out, which reads back as the same graph
        string path = written.ShouldHaveSingleItem();
        path.ShouldBe(Path.Combine(output, "copy.hello"));
        File.ReadAllText(path).ShouldBe("HELLO\n");
        Model again = format.Read([ModelFile.Open(path)], FormatOptions.Empty);
        again.Graph.Nodes.Single().OpType.ShouldBe("Relu");
    }

    [Fact]
    public void Dispose_Called_ForgetsPluginsFormatsAndErrors()
    {
        // Given a catalog with a plugin and an error
        PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(
            TestPluginFolders.Folder(TestPluginFolders.Hello),
            Path.Combine(_temp.Path, "missing")));
        catalog.Plugins.Count.ShouldBe(1);
        catalog.Errors.Count.ShouldBe(1);

        // When it is disposed (twice: the second call is harmless)
        catalog.Dispose();
        catalog.Dispose();

        // Then it holds nothing any more
        catalog.Plugins.ShouldBeEmpty();
        catalog.Formats.ShouldBeEmpty();
        catalog.Errors.ShouldBeEmpty();
        catalog.FindFormat("hello").ShouldBeNull();
    }

    [Fact]
    public void Dispose_CollectibleCatalog_UnloadsAndLetsContextBeCollected()
    {
        // Given a collectible catalog whose plugin was used to read a model, then disposed
        string file = _temp.WriteFile("net.hello", "HELLO\n");
        (WeakReference context, PluginCatalog disposed, StrongBox<bool> unloading) = LoadUseAndDispose(file);

        // When the garbage collector runs while the disposed catalog itself is still reachable
        for (int i = 0; context.IsAlive && i < 20; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // Then Dispose started the unload, and neither the catalog nor anything static keeps the context alive
        unloading.Value.ShouldBeTrue();
        context.IsAlive.ShouldBeFalse();
        GC.KeepAlive(disposed);
    }

    // Not inlined so that no reference to the plugin survives in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Context, PluginCatalog Catalog, StrongBox<bool> Unloading) LoadUseAndDispose(string file)
    {
        PluginCatalog catalog = PluginCatalog.Load(
            TestPluginFolders.Only(TestPluginFolders.Folder(TestPluginFolders.Hello)) with { Collectible = true });
        LoadedPlugin plugin = catalog.Plugins.Single();
        plugin.Context.IsCollectible.ShouldBeTrue();
        var unloading = new StrongBox<bool>();
        plugin.Context.Unloading += _ => unloading.Value = true;
        FormatMatch match = catalog.Detect([ModelFile.Open(file)]).ShouldNotBeNull();
        Model model = match.Format.Read([ModelFile.Open(file)], FormatOptions.Empty);
        model.Graph.Nodes.Single().OpType.ShouldBe("Relu");
        var context = new WeakReference(plugin.Context, trackResurrection: true);

        catalog.Dispose();
        unloading.Value.ShouldBeTrue();
        return (context, catalog, unloading);
    }

    private static PluginCatalog LoadHello() =>
        PluginCatalog.Load(TestPluginFolders.Only(TestPluginFolders.Folder(TestPluginFolders.Hello)));
}
