using System.Globalization;
using System.Text;

namespace Converters.Testing.Mutation;

/// <summary>
/// Makes the mutants of a run. Mutant <c>i</c> of seed <c>s</c> depends only on <c>(s, i)</c> and the
/// input, so any one of them can be rebuilt on its own: it picks one file of the set (in ordinal
/// name order) and applies one to three edits to it.
/// </summary>
internal static class MutantGenerator
{
    /// <summary>Tokens that break parsers: signs, overflow, non-numbers, empty, delimiters, non-ASCII.</summary>
    private static readonly string[] s_garbage =
    [
        "-1", "0", "abc", "99999999999", string.Empty, "1e309", "-1e309", "NaN", "inf", "2147483648", "-2147483649",
        "4294967296", "65536", "0x", "x", "1x", "3x3x3", "=", "(", ")", ",", ":", "#", "\"", "1.5", "-0", "1e-45",
        new string('9', 64), "\t", "\u00e9", "\u0000", "==", "()",
    ];

    private static readonly byte[] s_edgeBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, (byte)'\n', (byte)' ', (byte)'0', (byte)'9', (byte)'-'];

    private static readonly MutationKind[] s_byteKinds =
    [
        MutationKind.Truncate, MutationKind.Truncate, MutationKind.Truncate, MutationKind.Truncate,
        MutationKind.FlipBit, MutationKind.FlipBit, MutationKind.FlipBit, MutationKind.FlipBit,
        MutationKind.SetByte, MutationKind.SetByte, MutationKind.SetByte,
        MutationKind.OverwriteChunk, MutationKind.OverwriteChunk, MutationKind.OverwriteChunk,
        MutationKind.DuplicateChunk, MutationKind.DuplicateChunk,
        MutationKind.InsertBytes, MutationKind.InsertBytes,
        MutationKind.DeleteChunk, MutationKind.DeleteChunk,
    ];

    private static readonly MutationKind[] s_textKinds =
    [
        MutationKind.DeleteLine, MutationKind.DeleteLine, MutationKind.DeleteLine,
        MutationKind.DuplicateLine, MutationKind.DuplicateLine,
        MutationKind.SwapLines, MutationKind.SwapLines,
        MutationKind.ReplaceToken, MutationKind.ReplaceToken, MutationKind.ReplaceToken, MutationKind.ReplaceToken,
        MutationKind.ReplaceToken, MutationKind.ReplaceToken, MutationKind.ReplaceToken, MutationKind.ReplaceToken,
        MutationKind.InsertToken, MutationKind.InsertToken, MutationKind.InsertToken,
    ];

    private enum TokenGrain
    {
        Word,
        Atom,
        Number,
    }

    public static Mutant Create(IReadOnlyDictionary<string, byte[]> files, IReadOnlyList<string> names, MutationOptions options, int index)
    {
        SplitMix64 rng = SplitMix64.ForMutant(options.Seed, index);
        string name = rng.Pick(names);
        byte[] data = files[name];
        int stepCount = rng.Next(100) switch
        {
            < 75 => 1,
            < 90 => 2,
            _ => 3,
        };

        var steps = new List<MutationStep>(stepCount);
        for (int i = 0; i < stepCount; i++)
        {
            bool text = options.Text && rng.Chance(65);
            MutationKind kind = data.Length == 0
                ? (text ? MutationKind.InsertToken : MutationKind.InsertBytes)
                : rng.Pick(text ? s_textKinds : s_byteKinds);
            (data, MutationStep step) = Apply(kind, data, rng, options);
            steps.Add(step);
        }

        return new Mutant(options.Seed, index, name, data, steps);
    }

    private static (byte[] Data, MutationStep Step) Apply(MutationKind kind, byte[] data, SplitMix64 rng, MutationOptions options) => kind switch
    {
        MutationKind.Truncate => Truncate(data, rng, options),
        MutationKind.FlipBit => FlipBit(data, rng, options),
        MutationKind.SetByte => SetByte(data, rng, options),
        MutationKind.OverwriteChunk => OverwriteChunk(data, rng, options),
        MutationKind.DuplicateChunk => DuplicateChunk(data, rng, options),
        MutationKind.InsertBytes => InsertBytes(data, rng, options),
        MutationKind.DeleteChunk => DeleteChunk(data, rng, options),
        MutationKind.DeleteLine => DeleteLine(data, rng),
        MutationKind.DuplicateLine => DuplicateLine(data, rng),
        MutationKind.SwapLines => SwapLines(data, rng),
        MutationKind.ReplaceToken => ReplaceToken(data, rng),
        MutationKind.InsertToken => InsertToken(data, rng),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown mutation kind."),
    };

    private static (byte[], MutationStep) Truncate(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int offset = PickOffset(data, rng, options, allowEnd: false);
        return (data[..offset], Step(MutationKind.Truncate, data, options, offset, 0, Invariant($"keeps {offset} of {data.Length} bytes")));
    }

    private static (byte[], MutationStep) FlipBit(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int offset = PickOffset(data, rng, options, allowEnd: false);
        int bit = rng.Next(8);
        byte[] result = (byte[])data.Clone();
        result[offset] ^= (byte)(1 << bit);
        return (result, Step(MutationKind.FlipBit, data, options, offset, 1, Invariant($"bit {bit}: 0x{data[offset]:X2} -> 0x{result[offset]:X2}")));
    }

    private static (byte[], MutationStep) SetByte(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int offset = PickOffset(data, rng, options, allowEnd: false);
        byte value = rng.Chance(70) ? rng.Pick(s_edgeBytes) : (byte)rng.Next(256);
        byte[] result = (byte[])data.Clone();
        result[offset] = value;
        return (result, Step(MutationKind.SetByte, data, options, offset, 1, Invariant($"0x{data[offset]:X2} -> 0x{value:X2}")));
    }

    private static (byte[], MutationStep) OverwriteChunk(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int length = ChunkLength(data.Length, rng);
        int source = rng.Next(data.Length - length + 1);
        int target = Math.Min(PickOffset(data, rng, options, allowEnd: false), data.Length - length);
        byte[] result = (byte[])data.Clone();
        Array.Copy(data, source, result, target, length);
        return (result, Step(MutationKind.OverwriteChunk, data, options, target, length, Invariant($"copies bytes [{source}, {source + length}) over it")));
    }

    private static (byte[], MutationStep) DuplicateChunk(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int length = ChunkLength(data.Length, rng);
        int source = rng.Next(data.Length - length + 1);
        int target = PickOffset(data, rng, options, allowEnd: true);
        byte[] result = Splice(data, target, 0, data.AsSpan(source, length));
        return (result, Step(MutationKind.DuplicateChunk, data, options, target, 0, Invariant($"inserts a copy of bytes [{source}, {source + length})")));
    }

    private static (byte[], MutationStep) InsertBytes(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int target = PickOffset(data, rng, options, allowEnd: true);
        var inserted = new byte[rng.Next(1, 17)];
        for (int i = 0; i < inserted.Length; i++)
        {
            inserted[i] = rng.Chance(50) ? rng.Pick(s_edgeBytes) : (byte)rng.Next(256);
        }

        byte[] result = Splice(data, target, 0, inserted);
        return (result, Step(MutationKind.InsertBytes, data, options, target, 0, $"inserts {inserted.Length} bytes {Convert.ToHexString(inserted)}"));
    }

    private static (byte[], MutationStep) DeleteChunk(byte[] data, SplitMix64 rng, MutationOptions options)
    {
        int length = ChunkLength(data.Length, rng);
        int target = Math.Min(PickOffset(data, rng, options, allowEnd: false), data.Length - length);
        byte[] result = Splice(data, target, length, []);
        return (result, Step(MutationKind.DeleteChunk, data, options, target, length, Invariant($"deletes {length} bytes")));
    }

    private static (byte[], MutationStep) DeleteLine(byte[] data, SplitMix64 rng)
    {
        List<(int Start, int End)> lines = Lines(data);
        int n = rng.Next(lines.Count);
        (int start, int end) = lines[n];
        byte[] result = Splice(data, start, end - start, []);
        return (result, TextStep(MutationKind.DeleteLine, data, start, end - start, $"deletes line {n + 1}: {Preview(data.AsSpan(start, end - start))}"));
    }

    private static (byte[], MutationStep) DuplicateLine(byte[] data, SplitMix64 rng)
    {
        List<(int Start, int End)> lines = Lines(data);
        int n = rng.Next(lines.Count);
        (int start, int end) = lines[n];
        byte[] line = data[start..end];
        if (line.Length == 0 || line[^1] != (byte)'\n')
        {
            line = [.. line, (byte)'\n'];
        }

        byte[] result = Splice(data, start, 0, line);
        return (result, TextStep(MutationKind.DuplicateLine, data, start, 0, $"repeats line {n + 1}: {Preview(data.AsSpan(start, end - start))}"));
    }

    private static (byte[], MutationStep) SwapLines(byte[] data, SplitMix64 rng)
    {
        List<(int Start, int End)> lines = Lines(data);
        int a = rng.Next(lines.Count);
        int b = lines.Count < 2 ? a : (a + rng.Next(1, lines.Count)) % lines.Count;
        if (a > b)
        {
            (a, b) = (b, a);
        }

        var result = new List<byte>(data.Length + 1);
        for (int i = 0; i < lines.Count; i++)
        {
            int source = i == a ? b : i == b ? a : i;
            (int start, int end) = lines[source];
            result.AddRange(data.AsSpan(start, end - start));
            if (result.Count > 0 && result[^1] != (byte)'\n' && i < lines.Count - 1)
            {
                result.Add((byte)'\n');
            }
        }

        (int firstStart, _) = lines[a];
        (_, int lastEnd) = lines[b];
        return ([.. result], TextStep(MutationKind.SwapLines, data, firstStart, lastEnd - firstStart, Invariant($"swaps lines {a + 1} and {b + 1}")));
    }

    private static (byte[], MutationStep) ReplaceToken(byte[] data, SplitMix64 rng)
    {
        var grain = (TokenGrain)rng.Next(3);
        List<(int Start, int End)> tokens = Tokens(data, grain);
        if (tokens.Count == 0)
        {
            tokens = Tokens(data, TokenGrain.Word);
        }

        if (tokens.Count == 0)
        {
            return InsertToken(data, rng);
        }

        (int start, int end) = rng.Pick(tokens);
        string garbage = rng.Pick(s_garbage);
        byte[] result = Splice(data, start, end - start, Encoding.UTF8.GetBytes(garbage));
        return (result, TextStep(MutationKind.ReplaceToken, data, start, end - start, $"{grain.ToString().ToLowerInvariant()} {Quote(data.AsSpan(start, end - start))} -> {Quote(garbage)}"));
    }

    private static (byte[], MutationStep) InsertToken(byte[] data, SplitMix64 rng)
    {
        List<(int Start, int End)> tokens = Tokens(data, TokenGrain.Word);
        int target = tokens.Count == 0 ? 0 : rng.Chance(50) ? rng.Pick(tokens).Start : rng.Pick(tokens).End;
        string garbage = rng.Pick(s_garbage);
        string inserted = rng.Chance(50) ? garbage + " " : " " + garbage;
        byte[] result = Splice(data, target, 0, Encoding.UTF8.GetBytes(inserted));
        return (result, TextStep(MutationKind.InsertToken, data, target, 0, $"inserts {Quote(inserted)}"));
    }

    /// <summary>An offset: 0, a boundary of interest, a line start (text), or anywhere.</summary>
    private static int PickOffset(byte[] data, SplitMix64 rng, MutationOptions options, bool allowEnd)
    {
        int limit = allowEnd ? data.Length + 1 : data.Length;
        int roll = rng.Next(100);
        if (roll < 8)
        {
            return 0;
        }

        if (roll < 25)
        {
            long[] boundaries = [.. options.Boundaries.Where(b => b >= 0 && b < limit)];
            if (boundaries.Length > 0)
            {
                return (int)rng.Pick(boundaries);
            }
        }

        if (roll < 45 && options.Text)
        {
            List<(int Start, int End)> lines = Lines(data);
            int start = rng.Pick(lines).Start;
            if (start < limit)
            {
                return start;
            }
        }

        return rng.Next(limit);
    }

    /// <summary>A chunk length: mostly 1 to 8 bytes, sometimes up to half the file.</summary>
    private static int ChunkLength(int size, SplitMix64 rng)
    {
        int max = rng.Chance(70) ? Math.Min(8, size) : Math.Max(1, size / 2);
        return rng.Next(1, max + 1);
    }

    private static byte[] Splice(byte[] data, int offset, int removed, ReadOnlySpan<byte> inserted)
    {
        var result = new byte[data.Length - removed + inserted.Length];
        data.AsSpan(0, offset).CopyTo(result);
        inserted.CopyTo(result.AsSpan(offset));
        data.AsSpan(offset + removed).CopyTo(result.AsSpan(offset + inserted.Length));
        return result;
    }

    /// <summary>Every line as [start, end) including its line feed; an empty file has one empty line.</summary>
    private static List<(int Start, int End)> Lines(byte[] data)
    {
        var lines = new List<(int, int)>();
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                lines.Add((start, i + 1));
                start = i + 1;
            }
        }

        if (start < data.Length || lines.Count == 0)
        {
            lines.Add((start, data.Length));
        }

        return lines;
    }

    /// <summary>
    /// Tokens at one grain: words (runs without ASCII white space), atoms (runs of letters, digits,
    /// <c>_ . + -</c> and non-ASCII bytes) or numbers (runs of digits).
    /// </summary>
    private static List<(int Start, int End)> Tokens(byte[] data, TokenGrain grain)
    {
        var tokens = new List<(int, int)>();
        int start = -1;
        for (int i = 0; i <= data.Length; i++)
        {
            bool inside = i < data.Length && IsTokenByte(data[i], grain);
            if (inside && start < 0)
            {
                start = i;
            }
            else if (!inside && start >= 0)
            {
                tokens.Add((start, i));
                start = -1;
            }
        }

        return tokens;
    }

    private static bool IsTokenByte(byte b, TokenGrain grain) => grain switch
    {
        TokenGrain.Word => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'),
        TokenGrain.Atom => b >= 0x80 || char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'+' or (byte)'-',
        _ => char.IsAsciiDigit((char)b),
    };

    private static MutationStep Step(MutationKind kind, byte[] data, MutationOptions options, int offset, int length, string detail) =>
        options.Text ? TextStep(kind, data, offset, length, detail) : new MutationStep(kind, offset, length, null, null, detail);

    private static MutationStep TextStep(MutationKind kind, byte[] data, int offset, int length, string detail)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new MutationStep(kind, offset, length, line, offset - lineStart + 1, detail);
    }

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.UTF8.GetString(bytes).TrimEnd('\n', '\r');
        return Quote(text.Length > 60 ? text[..60] + "…" : text);
    }

    private static string Quote(ReadOnlySpan<byte> bytes) => Quote(Encoding.UTF8.GetString(bytes));

    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text.Length > 80 ? text[..80] + "…" : text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => Invariant($"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
