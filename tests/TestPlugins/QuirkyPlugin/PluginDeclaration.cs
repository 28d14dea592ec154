using Converters.Abstractions;
using QuirkyPlugin;

[assembly: ConverterPlugin(typeof(ThrowingFormat))]
[assembly: ConverterPlugin(typeof(GreedyFormat))]
