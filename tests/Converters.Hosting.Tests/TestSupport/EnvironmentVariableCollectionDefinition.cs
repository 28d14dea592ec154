namespace Converters.Hosting.Tests.TestSupport;

/// <summary>
/// Tests that set <see cref="PluginSearchOptions.EnvironmentVariable"/>. The collection runs alone,
/// after the parallel tests, which all search with <see cref="PluginSearchOptions.IncludeEnvironment"/> off.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollectionDefinition
{
    public const string Name = "CONVERTERS_PLUGINS environment variable";
}
