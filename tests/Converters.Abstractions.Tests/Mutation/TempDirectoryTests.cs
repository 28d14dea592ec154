using Converters.Testing;

namespace Converters.Abstractions.Tests.Mutation;

public sealed class TempDirectoryTests
{
    [Fact]
    public void Dispose_WithFiles_DeletesFolder()
    {
        // Given a temporary folder with a file in a subfolder
        string path;
        string file;
        using (var folder = new TempDirectory())
        {
            path = folder.Path;
            file = folder.WriteText("sub/a.txt", "hello");

            // Then the file is there while the folder lives
            File.ReadAllText(file).ShouldBe("hello");
            file.ShouldStartWith(path);
        }

        // When it is disposed, the folder is gone
        Directory.Exists(path).ShouldBeFalse();
    }
}
