using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class RootCommandTests
{
    [Fact]
    public void Help_ListsCommands_ExitsZero()
    {
        // When
        CliResult result = CliRunner.Run("--help");

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success);
        result.Output.ShouldContain("inspect");
        result.Output.ShouldContain("convert");
        result.Output.ShouldContain("plugins");
        result.Output.ShouldContain("--plugins");
    }

    [Fact]
    public void UnknownCommandOrMissingArgument_IsBadInput()
    {
        CliResult unknown = CliRunner.Run("frobnicate");
        unknown.ExitCode.ShouldBe(ExitCodes.BadInput);
        unknown.Error.ShouldContain("frobnicate");
        unknown.Error.ShouldContain("Run 'converters --help' for usage.");

        CliResult missing = CliRunner.Run("inspect");
        missing.ExitCode.ShouldBe(ExitCodes.BadInput);
        missing.Error.ShouldContain("Required argument missing for command: 'inspect'");
    }

    [Fact]
    public void Convert_WithoutTo_IsBadInput()
    {
        CliResult result = CliRunner.Run("convert", "x.tnet", "-o", "out");
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.ShouldContain("--to");
    }
}
