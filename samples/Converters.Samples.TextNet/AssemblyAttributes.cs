using Converters.Abstractions;
using Converters.Samples.TextNet;

// The host reads this attribute to find the format this plugin provides; it does not scan types.
[assembly: ConverterPlugin(typeof(TextNetFormat))]
