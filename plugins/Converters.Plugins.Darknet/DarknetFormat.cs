using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet.Writing;

namespace Converters.Plugins.Darknet;

/// <summary>
/// Darknet: a <c>.cfg</c> (network) and an optional <c>.weights</c> (parameters). The format as
/// supported is specified in <c>formats/darknet/README.md</c>.
/// </summary>
public sealed class DarknetFormat : IModelFormat
{
    /// <summary>The format's short name.</summary>
    public const string FormatName = "darknet";

    /// <summary>Read option: the fork whose semantics to follow.</summary>
    public const string ForkOption = "darknet-fork";

    /// <summary>Write option: the .weights header version to write, e.g. 0.2.5.</summary>
    public const string HeaderOption = "darknet-header";

    /// <inheritdoc/>
    public string Name => FormatName;

    /// <inheritdoc/>
    public string DisplayName => "Darknet (.cfg + .weights)";

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [".cfg", ".weights"];

    /// <inheritdoc/>
    public bool CanRead => true;

    /// <inheritdoc/>
    public bool CanWrite => true;

    /// <inheritdoc/>
    public IReadOnlyList<FormatOption> Options { get; } =
    [
        new(ForkOption, "Darknet fork whose semantics to follow: pjreddie (default; BN uses sqrt(var)+1e-6) or alexeyab (sqrt(var+1e-5), [batchnorm] stores biases).", IsFlag: false),
        new(HeaderOption, "Version of the .weights header to write, e.g. 0.2.0, 0.2.5 or 0.1.0 (default: the version read).", IsFlag: false),
    ];

    /// <summary>
    /// <see cref="DetectionConfidence.Content"/> for one <c>.cfg</c> whose first section is <c>[net]</c>
    /// or <c>[network]</c> (plus at most one <c>.weights</c>); <see cref="DetectionConfidence.Extension"/>
    /// for such a set whose cfg does not show that; a <c>.weights</c> alone is not readable.
    /// </summary>
    public DetectionConfidence Detect(IReadOnlyList<ModelFile> files)
    {
        if (files is null || files.Count is 0 or > 2)
        {
            return DetectionConfidence.None;
        }

        ModelFile[] cfgs = [.. files.Where(f => f.Extension == ".cfg")];
        int weights = files.Count(f => f.Extension == ".weights");
        if (cfgs.Length != 1 || cfgs.Length + weights != files.Count)
        {
            return DetectionConfidence.None;
        }

        return StartsWithNet(cfgs[0].Header.Span) ? DetectionConfidence.Content : DetectionConfidence.Extension;
    }

    /// <inheritdoc/>
    public Model Read(IReadOnlyList<ModelFile> files, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        ModelFile[] cfgs = [.. files.Where(f => f.Extension == ".cfg")];
        ModelFile[] weights = [.. files.Where(f => f.Extension == ".weights")];
        if (cfgs.Length != 1 || weights.Length > 1 || cfgs.Length + weights.Length != files.Count)
        {
            throw new ModelFormatException($"Darknet reads one .cfg and optionally one .weights file, got: {string.Join(", ", files)}")
            {
                FilePath = files.Count > 0 ? files[0].Path : null,
            };
        }

        DarknetFork fork = ParseFork(options.Get(ForkOption));
        return DarknetReader.Read(cfgs[0].Path, weights.Length == 1 ? weights[0].Path : null, fork);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        string? header = options.Get(HeaderOption);
        return DarknetWriter.Write(model, outputDirectory, baseName, header is null ? null : ParseHeader(header));
    }

    internal static DarknetFork ParseFork(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "pjreddie" => DarknetFork.PjReddie,
        "alexeyab" => DarknetFork.AlexeyAB,
        _ => throw new ModelFormatException($"--{ForkOption} {value}: expected pjreddie or alexeyab") { FieldPath = ForkOption },
    };

    internal static (int Major, int Minor, int Revision) ParseHeader(string value)
    {
        string[] parts = value.Split('.');
        var numbers = new int[3];
        bool ok = parts.Length is 2 or 3;
        for (int i = 0; ok && i < parts.Length; i++)
        {
            ok = int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]);
        }

        return ok ? (numbers[0], numbers[1], numbers[2]) : throw new ModelFormatException($"--{HeaderOption} {value}: expected MAJOR.MINOR[.REVISION], e.g. 0.2.5") { FieldPath = HeaderOption };
    }

    private static bool StartsWithNet(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            header = header[3..];
        }

        while (!header.IsEmpty)
        {
            int end = header.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? header : header[..end];
            header = end < 0 ? [] : header[(end + 1)..];
            Span<byte> stripped = stackalloc byte[Math.Min(line.Length, 64)];
            int n = 0;
            foreach (byte b in line)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r')
                {
                    continue;
                }

                if (n == stripped.Length)
                {
                    break;
                }

                stripped[n++] = b;
            }

            ReadOnlySpan<byte> text = stripped[..n];
            if (text.IsEmpty || text[0] is (byte)'#' or (byte)';')
            {
                continue;
            }

            return text.SequenceEqual("[net]"u8) || text.SequenceEqual("[network]"u8);
        }

        return false;
    }
}
