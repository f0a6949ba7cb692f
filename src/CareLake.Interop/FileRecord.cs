namespace CareLake.Interop;

/// <summary>One record of an imported file, in file order: what lands as one bronze row.</summary>
/// <param name="Stream">The silver stream it belongs to (e.g. <c>fhir</c>, <c>synthea.encounters</c>).</param>
/// <param name="Position">Its ordinal within the file (0, 1, 2, …): the same file always yields the same records at the same positions.</param>
/// <param name="Payload">The record's bytes exactly as they stand in the file.</param>
/// <param name="HeaderKeys">Names of context the payload needs to be read on its own (parallel to <paramref name="HeaderValues"/>); null when none.</param>
public sealed record FileRecord(string Stream, long Position, byte[] Payload, string[]? HeaderKeys = null, byte[]?[]? HeaderValues = null);
