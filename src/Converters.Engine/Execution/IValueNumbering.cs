using Converters.Ir;

namespace Converters.Engine.Execution;

/// <summary>The value numbering a plan is built over: buffer ids, shapes and the graph.</summary>
internal interface IValueNumbering
{
    Graph Graph { get; }

    int MaxThreads { get; }

    int ValueId(string name);

    TensorShape Shape(string name);
}
