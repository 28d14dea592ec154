using System.Text;
using Converters.Ir.Schemas;
using Converters.Testing;

namespace Converters.Ir.Tests.Schemas;

/// <summary>
/// docs/ir.md carries the op-set reference generated from the registry, so the documentation cannot
/// drift from the schemas. After changing a schema, run the tests once with CONVERTERS_UPDATE_DOCS=1
/// and review the diff of docs/ir.md.
/// </summary>
public sealed class OpSetDocumentationTests
{
    private const string Begin = "<!-- BEGIN GENERATED OP SET -->";
    private const string End = "<!-- END GENERATED OP SET -->";

    [Fact]
    public void DocsIrMd_OpSetSection_MatchesRegistry()
    {
        // Given
        string path = RepositoryPaths.Combine("docs", "ir.md");
        string doc = File.ReadAllText(path);
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        int end = doc.IndexOf(End, StringComparison.Ordinal);
        begin.ShouldBeGreaterThanOrEqualTo(0, $"{path} has no '{Begin}' marker");
        end.ShouldBeGreaterThan(begin, $"{path} has no '{End}' marker after the begin marker");

        // When
        string expected = Render(OpSchemaRegistry.Default);
        string actual = doc[(begin + Begin.Length)..end];

        // Then
        if (actual != expected && Environment.GetEnvironmentVariable("CONVERTERS_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, doc[..(begin + Begin.Length)] + expected + doc[end..]);
            return;
        }

        actual.ShouldBe(expected, "docs/ir.md is out of date with the op schemas; rerun with CONVERTERS_UPDATE_DOCS=1 and review the diff");
    }

    private static string Render(OpSchemaRegistry registry)
    {
        var sb = new StringBuilder("\n");
        foreach (OpSchema schema in registry.Schemas)
        {
            sb.Append("\n### ").Append(schema).Append("\n\n").Append(schema.Summary).Append("\n\n");
            string inputs = string.Join(", ", schema.Inputs.Select(i =>
                i.Name + (i.Variadic ? "..." : string.Empty) + (i.Optional ? "?" : string.Empty) + (i.Role == InputRole.Data ? string.Empty : $" ({i.Role.ToString().ToLowerInvariant()})")));
            string outputs = schema.MaxOutputs == int.MaxValue ? "one or more" : schema.MinOutputs == schema.MaxOutputs ? $"{schema.MinOutputs}" : $"{schema.MinOutputs} to {schema.MaxOutputs}";
            sb.Append("Inputs: ").Append(inputs.Length == 0 ? "none" : inputs).Append(". Outputs: ").Append(outputs)
                .Append(". MACs: ").Append(schema.CountMacs is null ? "0" : "counted").Append(".\n");
            if (schema.Attributes.Count > 0)
            {
                sb.Append("\n| attribute | type | default | meaning |\n|---|---|---|---|\n");
                foreach (AttributeSpec a in schema.Attributes)
                {
                    string fallback = a.IsRequired ? "required" : a.Default?.ToString() ?? "absent";
                    sb.Append("| `").Append(a.Name).Append("` | ").Append(a.Kind.ToString().ToLowerInvariant()).Append(" | `")
                        .Append(fallback).Append("` | ").Append(a.Description.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
                }
            }
        }

        return sb.Append('\n').ToString();
    }
}
