using System.Text;
using Converters.Testing.Mutation;

namespace Converters.Abstractions.Tests.Mutation;

public sealed class MutantGenerationTests
{
    private static readonly Dictionary<string, byte[]> s_text = new()
    {
        [ToyConfigReader.FileName] = Encoding.UTF8.GetBytes(ToyConfigReader.ValidText),
    };

    [Fact]
    public void Generate_SameSeed_GivesSameMutants()
    {
        // Given the same input and seed
        var options = new MutationOptions { Seed = 99, Count = 300, Text = true };

        // When the mutants are generated twice
        IReadOnlyList<Mutant> first = ReaderMutationHarness.Generate(s_text, options);
        IReadOnlyList<Mutant> second = ReaderMutationHarness.Generate(s_text, options);

        // Then they are identical, edit for edit and byte for byte
        second.Count.ShouldBe(300);
        for (int i = 0; i < first.Count; i++)
        {
            second[i].Content.ShouldBe(first[i].Content);
            second[i].ToString().ShouldBe(first[i].ToString());
        }
    }

    [Fact]
    public void Generate_MutantIndex_DoesNotDependOnCount()
    {
        // Given one seed and two run lengths
        var shortRun = new MutationOptions { Seed = 5, Count = 10, Text = true };

        // When both are generated
        IReadOnlyList<Mutant> few = ReaderMutationHarness.Generate(s_text, shortRun);
        IReadOnlyList<Mutant> many = ReaderMutationHarness.Generate(s_text, shortRun with { Count = 50 });

        // Then mutant i is the same in both, so a failing index reproduces on its own
        for (int i = 0; i < few.Count; i++)
        {
            many[i].Content.ShouldBe(few[i].Content);
        }
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentMutants()
    {
        // Given two seeds
        var a = new MutationOptions { Seed = 1, Count = 50, Text = true };
        var b = a with { Seed = 2 };

        // When mutants are generated for each
        IReadOnlyList<Mutant> first = ReaderMutationHarness.Generate(s_text, a);
        IReadOnlyList<Mutant> second = ReaderMutationHarness.Generate(s_text, b);

        // Then the sequences differ
        Enumerable.Range(0, 50).Count(i => !first[i].Content.AsSpan().SequenceEqual(second[i].Content)).ShouldBeGreaterThan(25);
    }

    [Fact]
    public void Generate_TextMode_UsesLineTokenAndByteEditsWithPositions()
    {
        // Given text mode
        var options = new MutationOptions { Seed = 3, Count = 400, Text = true };

        // When mutants are generated
        IReadOnlyList<Mutant> mutants = ReaderMutationHarness.Generate(s_text, options);
        var kinds = mutants.SelectMany(m => m.Steps).Select(s => s.Kind).ToHashSet();

        // Then every kind of edit occurs, truncation to 0 bytes included, and each edit has a line and column
        kinds.ShouldBe(Enum.GetValues<MutationKind>(), ignoreOrder: true);
        mutants.ShouldContain(m => m.Content.Length == 0);
        mutants.SelectMany(m => m.Steps).ShouldAllBe(s => s.Line >= 1 && s.Column >= 1);
    }

    [Fact]
    public void Generate_BinaryMode_UsesOnlyByteEditsAndFavoursBoundaries()
    {
        // Given binary mode with a boundary at byte 5
        var files = new Dictionary<string, byte[]> { [ToyRecordReader.FileName] = ToyRecordReader.ValidFile() };
        var options = new MutationOptions { Seed = 3, Count = 400, Boundaries = [5] };

        // When mutants are generated
        IReadOnlyList<MutationStep> steps = [.. ReaderMutationHarness.Generate(files, options).SelectMany(m => m.Steps)];

        // Then no text edits appear, positions are byte offsets only, and truncation at the boundary occurs
        steps.ShouldAllBe(s => s.Kind < MutationKind.DeleteLine && s.Line == null);
        steps.ShouldContain(s => s.Kind == MutationKind.Truncate && s.Offset == 5);
        steps.ShouldContain(s => s.Kind == MutationKind.Truncate && s.Offset == 0);
    }

    [Fact]
    public void ReplaceToken_Description_NamesOldAndNewToken()
    {
        // Given text mutants
        IReadOnlyList<Mutant> mutants = ReaderMutationHarness.Generate(s_text, new MutationOptions { Seed = 11, Count = 200, Text = true });

        // When one replacing a token is taken
        MutationStep step = mutants.SelectMany(m => m.Steps).First(s => s.Kind == MutationKind.ReplaceToken);

        // Then its description quotes the original token found at its offset
        string original = ToyConfigReader.ValidText.Substring((int)step.Offset, (int)step.Length);
        step.Detail.ShouldContain($"\"{original}\" -> ");
        step.ToString().ShouldStartWith($"ReplaceToken at byte {step.Offset} (line {step.Line}, column {step.Column}), length {step.Length}");
    }
}
