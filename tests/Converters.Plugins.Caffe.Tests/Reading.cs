using Converters.Abstractions;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Plugins.Caffe.Tests;

/// <summary>Reads test nets through the plugin's public entry point.</summary>
internal static class Reading
{
    public static Model Read(string prototxt, string? caffemodel = null, FormatOptions? options = null)
    {
        List<ModelFile> files = [ModelFile.Open(prototxt)];
        if (caffemodel is not null)
        {
            files.Add(ModelFile.Open(caffemodel));
        }

        return new CaffeFormat().Read(files, options ?? FormatOptions.Empty);
    }

    public static Model ReadText(TempDirectory folder, string text, byte[]? caffemodel = null, string name = "net")
    {
        string prototxt = folder.WriteText(name + ".prototxt", text);
        string? weights = caffemodel is null ? null : folder.WriteFile(name + ".caffemodel", caffemodel);
        return Read(prototxt, weights);
    }
}
