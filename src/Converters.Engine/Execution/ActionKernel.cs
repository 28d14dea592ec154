namespace Converters.Engine.Execution;

/// <summary>A kernel given as a delegate over the value buffers.</summary>
internal sealed class ActionKernel(Action<float[][]> run) : OpKernel
{
    public override void Run(float[][] values) => run(values);
}
