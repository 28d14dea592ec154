using System.Text.Json;
using Converters.Abstractions;
using Converters.Pruning.Dependency;

namespace Converters.Pruning.Planning;

/// <summary>
/// Which channels of which groups survive: data, applied either as masks (same shapes) or by the
/// slim transform (smaller tensors). Groups the plan does not name keep every channel.
/// </summary>
/// <remarks>
/// File format (JSON, docs/pruning.md):
/// <c>{"format": "converters-pruning-plan", "version": 1, "model": "&lt;sha256 or null&gt;",
/// "groups": [{"id": "conv3", "channels": 64, "kept": [0, 2, 5, …]}, …]}</c>.
/// </remarks>
public sealed class PruningPlan
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string FormatName = "converters-pruning-plan";

    private readonly Dictionary<string, GroupEntry> _groups;

    /// <summary>Creates a plan.</summary>
    /// <param name="kept">Group id → (channel count, kept channel indices).</param>
    /// <param name="modelHash">The hash of the model the plan was made for, if known.</param>
    public PruningPlan(IEnumerable<KeyValuePair<string, (int Channels, int[] Kept)>> kept, string? modelHash = null)
    {
        ArgumentNullException.ThrowIfNull(kept);
        _groups = new Dictionary<string, GroupEntry>(StringComparer.Ordinal);
        foreach (var (id, (channels, indices)) in kept)
        {
            var sorted = indices.Order().ToArray();
            if (sorted.Length == 0 || sorted[0] < 0 || sorted[^1] >= channels || sorted.Distinct().Count() != sorted.Length)
            {
                throw new ArgumentException($"Group '{id}': kept indices must be distinct, in [0, {channels}), and at least one.", nameof(kept));
            }

            _groups.Add(id, new GroupEntry(channels, sorted));
        }

        ModelHash = modelHash;
    }

    /// <summary>The hash of the model the plan was made for, if known.</summary>
    public string? ModelHash { get; }

    /// <summary>The ids of the groups the plan names, in the order they were given.</summary>
    public IEnumerable<string> GroupIds => _groups.Keys;

    /// <summary>Whether the plan names a group.</summary>
    public bool Contains(string groupId) => _groups.ContainsKey(groupId);

    /// <summary>The kept channel indices of a group, ascending; every channel when the plan does not name it.</summary>
    public int[] KeptOf(PruningGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group.Id, out var entry) ? entry.Kept : Enumerable.Range(0, group.ChannelCount).ToArray();
    }

    /// <summary>
    /// Checks the plan against a model's groups: every named group exists with the same channel
    /// count, is prunable, and keeps equal counts per segment.
    /// </summary>
    /// <exception cref="PruningPlanException">The plan does not fit; the message names the group.</exception>
    public void Validate(IReadOnlyList<PruningGroup> groups, string? planPath = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var byId = groups.ToDictionary(g => g.Id, StringComparer.Ordinal);
        foreach (var (id, entry) in _groups)
        {
            string? problem = null;
            if (!byId.TryGetValue(id, out var group))
            {
                problem = $"the model has no pruning group '{id}'";
            }
            else if (group.ChannelCount != entry.Channels)
            {
                problem = $"group '{id}' has {group.ChannelCount} channels in the model, the plan says {entry.Channels}";
            }
            else if (!group.IsPrunable && entry.Kept.Length != entry.Channels)
            {
                problem = $"group '{id}' cannot be pruned ({group.FixedReason})";
            }
            else if (group.Segments > 1)
            {
                int size = group.ChannelCount / group.Segments;
                var counts = entry.Kept.GroupBy(i => i / size).Select(g => g.Count()).ToArray();
                if (counts.Length != group.Segments || counts.Distinct().Count() != 1)
                {
                    problem = $"group '{id}' is split into {group.Segments} segments of {size} channels that must keep equal counts";
                }
            }

            if (problem is not null)
            {
                throw new PruningPlanException($"{problem}.") { FilePath = planPath, FieldPath = $"groups[{id}]" };
            }
        }
    }

    /// <summary>Writes the plan as JSON, atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        using var files = new AtomicFileSet(Path.GetDirectoryName(full)!);
        using (var stream = files.Create(Path.GetFileName(full)))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", 1);
            json.WriteString("model", ModelHash);
            json.WriteStartArray("groups");
            foreach (var (id, entry) in _groups)
            {
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteNumber("channels", entry.Channels);
                json.WriteStartArray("kept");
                foreach (var index in entry.Kept)
                {
                    json.WriteNumberValue(index);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        files.Commit();
    }

    /// <summary>Reads a plan written by <see cref="Save"/>.</summary>
    /// <exception cref="PruningPlanException">The file is not a valid plan; the message carries the byte offset and JSON path.</exception>
    public static PruningPlan Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PruningPlanException($"cannot read the pruning plan: {ex.Message}", ex) { FilePath = path };
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses a plan from UTF-8 JSON.</summary>
    /// <exception cref="PruningPlanException">The text is not a valid plan.</exception>
    public static PruningPlan Parse(ReadOnlySpan<byte> utf8, string? path = null)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        string field = string.Empty;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, field, "an object");
            string? format = null;
            string? model = null;
            var groups = new List<KeyValuePair<string, (int, int[])>>();
            while (Read(ref reader, path, field) && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                field = name;
                switch (name)
                {
                    case "format":
                        Expect(ref reader, JsonTokenType.String, path, field, $"\"{FormatName}\"");
                        format = reader.GetString();
                        if (format != FormatName)
                        {
                            throw Error(ref reader, path, field, $"expected \"{FormatName}\", got \"{format}\"");
                        }

                        break;
                    case "version":
                        Expect(ref reader, JsonTokenType.Number, path, field, "1");
                        if (!reader.TryGetInt32(out var version) || version != 1)
                        {
                            throw Error(ref reader, path, field, "only version 1 is known");
                        }

                        break;
                    case "model":
                        Read(ref reader, path, field);
                        model = reader.TokenType switch
                        {
                            JsonTokenType.Null => null,
                            JsonTokenType.String => reader.GetString(),
                            _ => throw Error(ref reader, path, field, "expected a string or null"),
                        };
                        break;
                    case "groups":
                        ReadGroups(ref reader, path, groups);
                        break;
                    default:
                        throw Error(ref reader, path, field, "unknown field (expected format, version, model, groups)");
                }
            }

            if (format is null)
            {
                throw new PruningPlanException($"not a pruning plan: missing \"format\": \"{FormatName}\".") { FilePath = path, ByteOffset = 0 };
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, _) in groups)
            {
                if (!seen.Add(id))
                {
                    throw new PruningPlanException($"group '{id}' appears twice.") { FilePath = path, FieldPath = "groups" };
                }
            }

            return new PruningPlan(groups, model);
        }
        catch (JsonException ex)
        {
            throw new PruningPlanException($"invalid JSON: {ex.Message}", ex) { FilePath = path, ByteOffset = reader.BytesConsumed, FieldPath = field };
        }
    }

    private static void ReadGroups(ref Utf8JsonReader reader, string? path, List<KeyValuePair<string, (int, int[])>> groups)
    {
        Expect(ref reader, JsonTokenType.StartArray, path, "groups", "an array");
        while (Read(ref reader, path, "groups") && reader.TokenType != JsonTokenType.EndArray)
        {
            var at = $"groups[{groups.Count}]";
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(ref reader, path, at, "expected an object {id, channels, kept}");
            }

            string? id = null;
            int channels = 0;
            List<int>? kept = null;
            long start = reader.TokenStartIndex;
            while (Read(ref reader, path, at) && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var field = $"{at}.{name}";
                switch (name)
                {
                    case "id":
                        Expect(ref reader, JsonTokenType.String, path, field, "a string");
                        id = reader.GetString();
                        break;
                    case "channels":
                        Expect(ref reader, JsonTokenType.Number, path, field, "a positive integer");
                        if (!reader.TryGetInt32(out channels) || channels <= 0)
                        {
                            throw Error(ref reader, path, field, "expected a positive integer");
                        }

                        break;
                    case "kept":
                        Expect(ref reader, JsonTokenType.StartArray, path, field, "an array of channel indices");
                        kept = [];
                        while (Read(ref reader, path, field) && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var element = $"{field}[{kept.Count}]";
                            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var index) || index < 0 || (channels > 0 && index >= channels))
                            {
                                throw Error(ref reader, path, element, channels > 0 ? $"expected a channel index in [0, {channels})" : "expected a non-negative channel index");
                            }

                            if (kept.Count > 0 && index <= kept[^1])
                            {
                                throw Error(ref reader, path, element, "kept indices must be strictly ascending");
                            }

                            kept.Add(index);
                        }

                        break;
                    default:
                        throw Error(ref reader, path, field, "unknown field (expected id, channels, kept)");
                }
            }

            if (id is null || channels == 0 || kept is null || kept.Count == 0 || kept[^1] >= channels)
            {
                var missing = id is null ? "id" : channels == 0 ? "channels" : kept is null ? "kept" : kept.Count == 0 ? "kept (at least one channel must stay)" : "kept (an index is not below channels)";
                throw new PruningPlanException($"group needs {missing}.") { FilePath = path, ByteOffset = start, FieldPath = at };
            }

            groups.Add(new(id, (channels, kept.ToArray())));
        }
    }

    private static bool Read(ref Utf8JsonReader reader, string? path, string field)
    {
        if (!reader.Read())
        {
            throw new PruningPlanException("unexpected end of file.") { FilePath = path, ByteOffset = reader.BytesConsumed, FieldPath = field };
        }

        return true;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string? path, string field, string what)
    {
        Read(ref reader, path, field);
        if (reader.TokenType != type)
        {
            throw Error(ref reader, path, field, $"expected {what}, got {reader.TokenType.ToString().ToLowerInvariant()}");
        }
    }

    private static PruningPlanException Error(ref Utf8JsonReader reader, string? path, string field, string message) =>
        new($"{message}.") { FilePath = path, ByteOffset = reader.TokenStartIndex, FieldPath = field };

    private sealed record GroupEntry(int Channels, int[] Kept);
}
