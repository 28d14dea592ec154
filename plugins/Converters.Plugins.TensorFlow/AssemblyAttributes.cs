using Converters.Abstractions;
using Converters.Plugins.TensorFlow;

// The host reads this attribute to find the format this plugin provides.
[assembly: ConverterPlugin(typeof(TensorFlowFormat))]
