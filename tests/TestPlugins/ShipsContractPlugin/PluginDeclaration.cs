using Converters.Abstractions;
using ShipsContractPlugin;

[assembly: ConverterPlugin(typeof(ShipsContractFormat))]
