using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class PluginsCommandTests
{
    [Fact]
    public void Plugins_Bundled_ListsTextNetWithPath()
    {
        // When
        CliResult result = CliRunner.Run("plugins");

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success);
        result.Output.ShouldContain("Converters.Samples.TextNet");
        result.Output.ShouldContain("textnet: TextNet (.tnet)");
        result.Output.ShouldContain(".tnet");
        result.Output.ShouldContain("read/write");
        result.Output.ShouldContain(Path.Combine("plugins", "Converters.Samples.TextNet", "Converters.Samples.TextNet.dll"));
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public void Plugins_MissingPluginDirectory_ReportedNotFatal()
    {
        string missing = Path.Combine(Path.GetTempPath(), "converters-no-such-dir-" + Guid.NewGuid().ToString("N"));

        CliResult result = CliRunner.Run("plugins", "--plugins", missing);

        result.ExitCode.ShouldBe(ExitCodes.Success);
        result.Output.ShouldContain("Converters.Samples.TextNet");
        result.Error.ShouldContain(missing);
    }
}
