namespace Converters.Testing;

/// <summary>Locates files of this repository from a running test.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds <c>Converters.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>A path under the repository root, from its parts.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Converters.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Converters.sln above {AppContext.BaseDirectory}.");
    }
}
