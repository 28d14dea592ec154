using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Plugins.Darknet.Tests;

/// <summary>Reads text/bytes written to a temporary folder through the format API.</summary>
internal static class Reading
{
    public static Model Read(TempDirectory folder, string cfgText, byte[]? weights = null, string? fork = null)
    {
        string cfg = folder.WriteText("model.cfg", cfgText);
        var files = new List<ModelFile> { ModelFile.Open(cfg) };
        if (weights is not null)
        {
            files.Add(ModelFile.Open(folder.WriteFile("model.weights", weights)));
        }

        var options = fork is null ? FormatOptions.Empty : new FormatOptions([new(DarknetFormat.ForkOption, fork)]);
        return new DarknetFormat().Read(files, options);
    }

    public static T Fails<T>(TempDirectory folder, string cfgText, byte[]? weights = null)
        where T : Exception => Should.Throw<T>(() => Read(folder, cfgText, weights));
}
