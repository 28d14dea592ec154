using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Testing;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class CheckpointStateFileTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReadModelCheckpointPath_TensorFlowStyleFile_ReturnsTheLatest()
    {
        // Given: a state file as TF's Saver writes it, with an escaped quote and an octal escape
        string path = _folder.WriteText("checkpoint", "model_checkpoint_path: \"run \\\"a\\\"/model.ckpt-\\061000\"\nall_model_checkpoint_paths: \"model.ckpt-500\"\n");

        // When
        string model = CheckpointStateFile.ReadModelCheckpointPath(path);

        // Then
        model.ShouldBe("run \"a\"/model.ckpt-1000");
    }

    [Fact]
    public void ReadModelCheckpointPath_Written_RoundTrips()
    {
        // Given: a prefix with a backslash and a quote
        string path = _folder.WriteText("checkpoint", CheckpointStateFile.Format("we\\ird\"name"));

        // When / Then
        CheckpointStateFile.ReadModelCheckpointPath(path).ShouldBe("we\\ird\"name");
    }

    [Fact]
    public void ReadModelCheckpointPath_UnquotedValue_ReportsLineAndColumn()
    {
        // Given: the value on line 2 is not quoted
        string path = _folder.WriteText("checkpoint", "all_model_checkpoint_paths: \"a\"\n  model_checkpoint_path: model.ckpt\n");

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointStateFile.ReadModelCheckpointPath(path));

        // Then
        ex.FilePath.ShouldBe(path);
        ex.Line.ShouldBe(2);
        ex.Column.ShouldBe(26);
        ex.FieldPath.ShouldBe("model_checkpoint_path");
        ex.Message.ShouldBe("model_checkpoint_path must be a non-empty quoted string, got model.ckpt");
    }

    [Fact]
    public void ReadModelCheckpointPath_NoField_SaysWhatIsMissing()
    {
        // Given: only the list field
        string path = _folder.WriteText("checkpoint", "all_model_checkpoint_paths: \"a\"\n");

        // When
        var ex = Should.Throw<CheckpointFormatException>(() => CheckpointStateFile.ReadModelCheckpointPath(path));

        // Then
        ex.Line.ShouldBe(2);
        ex.Message.ShouldContain("has no 'model_checkpoint_path: \"...\"' line");
    }
}
