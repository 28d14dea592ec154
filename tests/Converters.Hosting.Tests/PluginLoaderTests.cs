using Converters.Hosting.Tests.TestSupport;

namespace Converters.Hosting.Tests;

// The rejection rules: each bad plugin is left out, reported with one line that says how to fix it.
public sealed class PluginLoaderTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_PluginShipsContract_RejectedWithProjectReferenceFix()
    {
        // Given a plugin whose folder holds its own Converters.Abstractions.dll
        string folder = TestPluginFolders.Folder(TestPluginFolders.ShipsContract);

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is rejected, naming the folder, the copy, and the fix
        error.PluginPath.ShouldBe(Path.Combine(folder, "ShipsContractPlugin.dll"));
        error.Message.ShouldStartWith($"plugin folder '{folder}' contains its own Converters.Abstractions.dll");
        error.Message.ShouldContain("<ProjectReference Include=\"...Converters.Abstractions.csproj\" Private=\"false\" ExcludeAssets=\"runtime\" />");
    }

    [Fact]
    public void Load_PluginShipsOnlyIr_Rejected()
    {
        // Given a good plugin folder into which someone copied Converters.Ir.dll
        string folder = TestPluginFolders.CopyTo(TestPluginFolders.Hello, _temp.Path);
        File.Copy(typeof(Ir.Model).Assembly.Location, Path.Combine(folder, "Converters.Ir.dll"));

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is rejected for the copy of the IR
        error.Message.ShouldStartWith($"plugin folder '{folder}' contains its own Converters.Ir.dll");
    }

    [Fact]
    public void Load_NoConverterPluginAttribute_RejectedAsDeclaringNoFormats()
    {
        // Given a plugin that implements IModelFormat but declares no [assembly: ConverterPlugin]
        string folder = TestPluginFolders.Folder(TestPluginFolders.NoFormat);

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is rejected: the host reads attributes, it never scans types
        error.Message.ShouldBe(
            $"plugin 'NoFormatPlugin' ({Path.Combine(folder, "NoFormatPlugin.dll")}) declares no formats; "
            + "add [assembly: ConverterPlugin(typeof(YourFormat))] naming its IModelFormat implementation");
    }

    [Fact]
    public void Load_EntryTypeNotAFormat_RejectedNamingTheType()
    {
        // Given a plugin whose attribute names a class that is not an IModelFormat
        // When it is loaded
        PluginLoadException error = LoadOnlyError(TestPluginFolders.Folder(TestPluginFolders.WrongEntryType));

        // Then the message names the type and the interface it lacks
        error.Message.ShouldBe(
            "plugin 'WrongEntryTypePlugin' declares format type 'WrongEntryTypePlugin.NotAFormat', "
            + "which does not implement Converters.Abstractions.IModelFormat; implement it or remove the attribute");
    }

    [Fact]
    public void Load_EntryTypeWithoutParameterlessConstructor_RejectedNamingTheType()
    {
        // Given a plugin whose format needs a constructor argument
        // When it is loaded
        PluginLoadException error = LoadOnlyError(TestPluginFolders.Folder(TestPluginFolders.NoDefaultConstructor));

        // Then the message names the type and asks for a public parameterless constructor
        error.Message.ShouldBe(
            "plugin 'NoDefaultConstructorPlugin' declares format type 'NoDefaultConstructorPlugin.NeedsArgumentFormat', "
            + "which has no public parameterless constructor; add one (the host creates formats without arguments)");
    }

    [Theory]
    [InlineData("2.0.0.0", "2.0")]
    [InlineData("0.9.0.0", "0.9")]
    public void Load_OtherMajorContractVersion_RejectedWithRebuildAdvice(string referenced, string shown)
    {
        // Given a plugin built against another major version of Converters.Abstractions
        string folder = FakePluginAssembly.Write(_temp.Path, "OtherContract", Version.Parse(referenced));

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is rejected, naming both versions and the fix
        error.PluginPath.ShouldBe(Path.Combine(folder, "OtherContract.dll"));
        error.Message.ShouldBe(
            $"plugin 'OtherContract' was built against contract {shown}; this host provides 1.0; "
            + "rebuild the plugin against Converters.Abstractions 1.0");
    }

    [Fact]
    public void Load_NewerMinorContractVersion_Rejected()
    {
        // Given a plugin built against a newer minor version of the contract than the host's
        string folder = FakePluginAssembly.Write(_temp.Path, "NewerContract", new Version(1, 1, 0, 0));

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is rejected: it may use members this host does not have
        error.Message.ShouldBe(
            "plugin 'NewerContract' was built against contract 1.1; this host provides 1.0; "
            + "rebuild the plugin against Converters.Abstractions 1.0 or use a newer host");
    }

    [Fact]
    public void Load_SameContractVersionOtherBuildNumber_PassesVersionCheck()
    {
        // Given a plugin (without formats) built against contract 1.0.7
        string folder = FakePluginAssembly.Write(_temp.Path, "SameContract", new Version(1, 0, 7, 0));

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then the version is accepted and loading goes on to find it declares no formats
        error.Message.ShouldStartWith("plugin 'SameContract' (");
        error.Message.ShouldContain("declares no formats");
    }

    [Fact]
    public void Load_FileIsNotAnAssembly_Rejected()
    {
        // Given a plugin folder whose main "assembly" is a text file
        string folder = _temp.CreateDirectory("Garbage");
        string path = Path.Combine(folder, "Garbage.dll");
        File.WriteAllText(path, "this is not a PE file");

        // When it is loaded
        PluginLoadException error = LoadOnlyError(folder);

        // Then it is reported as not a .NET assembly
        error.PluginPath.ShouldBe(path);
        error.Message.ShouldStartWith($"'{path}' is not a .NET plugin assembly (");
        error.Message.ShouldEndWith("); rebuild the plugin or remove the file");
    }

    [Fact]
    public void Load_CollectibleRejectedPlugin_DoesNotStopOthers()
    {
        // Given a collectible search over a bad plugin followed by a good one
        var options = TestPluginFolders.Only(
            TestPluginFolders.Folder(TestPluginFolders.WrongEntryType),
            TestPluginFolders.Folder(TestPluginFolders.Hello)) with { Collectible = true };

        // When loading
        using PluginCatalog catalog = PluginCatalog.Load(options);

        // Then the bad one is reported and the good one loads
        catalog.Errors.ShouldHaveSingleItem().PluginPath.ShouldEndWith("WrongEntryTypePlugin.dll");
        catalog.Plugins.ShouldHaveSingleItem().Name.ShouldBe("HelloPlugin");
    }

    private static PluginLoadException LoadOnlyError(string folder)
    {
        using PluginCatalog catalog = PluginCatalog.Load(TestPluginFolders.Only(folder));
        catalog.Plugins.ShouldBeEmpty();
        PluginLoadException error = catalog.Errors.ShouldHaveSingleItem();
        error.Message.ShouldNotContain('\n');
        return error;
    }
}
