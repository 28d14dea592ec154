using System.Collections.Concurrent;

namespace Converters.Ir.Schemas;

/// <summary>
/// The op schemas known to the process, by (domain, op type). <see cref="Default"/> holds the
/// standard op set; plugins add their own domains to it.
/// </summary>
public sealed class OpSchemaRegistry
{
    private readonly ConcurrentDictionary<(string Domain, string OpType), OpSchema> _schemas = new();

    /// <summary>The registry shared by the process, pre-filled with <see cref="StandardOps"/>.</summary>
    public static OpSchemaRegistry Default { get; } = CreateStandard();

    /// <summary>All schemas, ordered by domain then op type.</summary>
    public IEnumerable<OpSchema> Schemas => _schemas.Values.OrderBy(s => s.Domain, StringComparer.Ordinal).ThenBy(s => s.OpType, StringComparer.Ordinal);

    /// <summary>A registry holding only the standard op set.</summary>
    public static OpSchemaRegistry CreateStandard()
    {
        var registry = new OpSchemaRegistry();
        foreach (OpSchema schema in StandardOps.All())
        {
            registry.Register(schema);
        }

        return registry;
    }

    /// <summary>Adds <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentException">A schema with the same domain and op type is registered.</exception>
    public void Register(OpSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!_schemas.TryAdd((schema.Domain, schema.OpType), schema))
        {
            throw new ArgumentException($"An op schema '{schema}' is already registered.", nameof(schema));
        }
    }

    /// <summary>The schema for <paramref name="opType"/> in <paramref name="domain"/>, or null.</summary>
    public OpSchema? Find(string opType, string domain = "") =>
        _schemas.TryGetValue((domain, opType), out OpSchema? s) ? s : null;
}
