using Converters.Abstractions;
using HelloPlugin;

[assembly: ConverterPlugin(typeof(HelloFormat))]
