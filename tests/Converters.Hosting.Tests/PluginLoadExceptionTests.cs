namespace Converters.Hosting.Tests;

public sealed class PluginLoadExceptionTests
{
    [Fact]
    public void Constructor_MultiLineMessage_KeepsOneLine()
    {
        // Given a message with line breaks (e.g. from a low-level exception)
        // When the exception is created
        var error = new PluginLoadException("/p/X.dll", "first\nsecond\r\nthird", new InvalidOperationException("cause"));

        // Then the message is one line and the path and cause are kept
        error.Message.ShouldBe("first second third");
        error.PluginPath.ShouldBe("/p/X.dll");
        error.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public void Constructor_WithoutPath_HasEmptyPath()
    {
        // Given / When the standard constructors are used
        var plain = new PluginLoadException();
        var withMessage = new PluginLoadException("broken");

        // Then the path is empty, never null
        plain.PluginPath.ShouldBeEmpty();
        withMessage.PluginPath.ShouldBeEmpty();
        withMessage.Message.ShouldBe("broken");
    }
}
