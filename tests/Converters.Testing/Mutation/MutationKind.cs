namespace Converters.Testing.Mutation;

/// <summary>One kind of edit the mutation harness makes to a file.</summary>
public enum MutationKind
{
    /// <summary>Cuts the file at an offset (0, a boundary of interest, a line start, or anywhere).</summary>
    Truncate,

    /// <summary>Flips one bit of one byte.</summary>
    FlipBit,

    /// <summary>Sets one byte to an edge value (0x00, 0xFF, 0x7F, 0x80, …) or a random one.</summary>
    SetByte,

    /// <summary>Copies a chunk of the file over another place of the same length.</summary>
    OverwriteChunk,

    /// <summary>Inserts a copy of a chunk of the file somewhere else.</summary>
    DuplicateChunk,

    /// <summary>Inserts random bytes.</summary>
    InsertBytes,

    /// <summary>Removes a chunk.</summary>
    DeleteChunk,

    /// <summary>Text: removes a line.</summary>
    DeleteLine,

    /// <summary>Text: repeats a line.</summary>
    DuplicateLine,

    /// <summary>Text: exchanges two lines.</summary>
    SwapLines,

    /// <summary>Text: replaces a word, an identifier-like atom or a number with garbage (<c>-1</c>, <c>abc</c>, <c>1e309</c>, an empty string, …).</summary>
    ReplaceToken,

    /// <summary>Text: inserts a garbage token at a token boundary.</summary>
    InsertToken,
}
