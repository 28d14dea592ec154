using Converters.Testing;

namespace Converters.Abstractions.Tests;

public sealed class AtomicFileSetTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Commit_TwoFiles_BothAppearNoTemporariesLeft()
    {
        // Given
        string target = _folder.Combine("out");
        using var files = new AtomicFileSet(target);
        using (Stream a = files.Create("m.cfg"))
        {
            a.Write("[net]\n"u8);
        }

        Stream b = files.Create("m.weights");
        b.Write([1, 2, 3]);

        // When: one stream disposed by the caller, one left open
        IReadOnlyList<string> written = files.Commit();

        // Then
        written.ShouldBe([Path.Combine(target, "m.cfg"), Path.Combine(target, "m.weights")]);
        File.ReadAllText(written[0]).ShouldBe("[net]\n");
        File.ReadAllBytes(written[1]).ShouldBe(new byte[] { 1, 2, 3 });
        Directory.GetFiles(target).Length.ShouldBe(2);
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothingAndKeepsExistingFile()
    {
        // Given an existing file with the final name
        string target = _folder.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "m.cfg"), "old");

        // When a write fails half-way
        using (var files = new AtomicFileSet(target))
        {
            using Stream s = files.Create("m.cfg");
            s.Write("new, half-written"u8);
        }

        // Then
        File.ReadAllText(Path.Combine(target, "m.cfg")).ShouldBe("old");
        Directory.GetFiles(target).ShouldBe([Path.Combine(target, "m.cfg")]);
    }

    [Fact]
    public void Commit_ReplacesExistingFile()
    {
        string target = _folder.Path;
        File.WriteAllText(Path.Combine(target, "m.cfg"), "old");
        using var files = new AtomicFileSet(target);
        using (Stream s = files.Create("m.cfg"))
        {
            s.Write("new"u8);
        }

        files.Commit();

        File.ReadAllText(Path.Combine(target, "m.cfg")).ShouldBe("new");
    }

    [Fact]
    public void Create_PathOrDuplicateName_Rejected()
    {
        using var files = new AtomicFileSet(_folder.Path);
        Should.Throw<ArgumentException>(() => files.Create(Path.Combine("sub", "m.cfg")));
        files.Create("m.cfg").Dispose();
        Should.Throw<ArgumentException>(() => files.Create("m.cfg"));
    }
}
