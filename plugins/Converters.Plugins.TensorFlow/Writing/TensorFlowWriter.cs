using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Protobuf.Text;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>
/// Writes <c>base.pb</c> or (text) <c>base.pbtxt</c>: a frozen GraphDef, or with a checkpoint an unfrozen one plus
/// <c>base.ckpt.index</c>, <c>base.ckpt.data-00000-of-00001</c> and <c>checkpoint</c>. Nothing is left behind on failure.
/// </summary>
internal static class TensorFlowWriter
{
    public static IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName, bool text, bool checkpoint)
    {
        GraphDef def = new TensorFlowExporter(model).Export();
        List<CheckpointTensor>? tensors = checkpoint ? GraphDefUnfreezer.Unfreeze(def) : null;
        IReadOnlyList<string> checkpointFiles = tensors is null ? [] : CheckpointWriter.Write(outputDirectory, baseName + ".ckpt", tensors);
        try
        {
            using var files = new AtomicFileSet(outputDirectory);
            using (Stream stream = files.Create(baseName + (text ? ".pbtxt" : ".pb")))
            {
                if (text)
                {
                    stream.Write(new UTF8Encoding(false).GetBytes(TextFormatPrinter.Print(def)));
                }
                else
                {
                    def.WriteTo(stream);
                }
            }

            return [.. files.Commit(), .. checkpointFiles];
        }
        catch
        {
            foreach (string file in checkpointFiles)
            {
                File.Delete(file);
            }

            throw;
        }
    }
}
