using CareLake.Ingest.Bronze;
using CareLake.Ingest.Files;
using CareLake.Interop;
using CareLake.Streaming.Streaming;

namespace CareLake.Streaming.Imports;

/// <summary>A file to import and how to read it into records.</summary>
/// <param name="Format">What the file is (<c>synthea</c>, <c>fhir</c>, <c>events</c>), as recorded in <c>ingest.files</c>.</param>
public sealed record ImportSource(string Path, string Format, Func<Stream, IEnumerable<FileRecord>> Read);

/// <summary>What became of one file.</summary>
/// <param name="Records">The records the file holds.</param>
/// <param name="AlreadyImported">True when an earlier import of the same content had completed: nothing was read.</param>
public sealed record ImportedFileResult(ImportedFile File, long Records, bool AlreadyImported);

/// <summary>
/// Imports files through the same micro-batch commit as the streams: bronze (exactly once, by file and position),
/// silver, gold. Files are identified by content; one whose earlier import completed is skipped, one whose import was
/// interrupted resumes after its last committed record.
/// </summary>
public sealed class FileImport(PipelineContext pipeline, string workerId, int batchMaxMessages = 20_000, long batchMaxBytes = 32L << 20)
{
    private readonly FeedStreamWorker _worker = new(pipeline, ImportedFiles.SourceName, workerId, batchMaxMessages, batchMaxBytes);
    private long _bytesRead;

    public StreamStatistics Statistics => _worker.Statistics;

    /// <summary>Payload bytes read from the files so far (for progress against their total size).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The file being read now.</summary>
    public string? Current { get; private set; }

    public async Task<IReadOnlyList<ImportedFileResult>> RunAsync(IReadOnlyList<ImportSource> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var registered = new List<(ImportSource Source, ImportedFile File)>();
        foreach (var source in sources)
        {
            registered.Add((source, await ImportedFiles.RegisterAsync(pipeline.DataSource, source.Path, source.Format, pipeline.Time.GetUtcNow(), cancellationToken)));
        }

        var pending = registered.Where(r => r.File.CompletedAt is null).DistinctBy(r => r.File.FileId).ToList();
        var counts = new long[pending.Count];
        await _worker.RunAsync(pending.SelectMany((p, i) => Read(p.Source, p.File, counts, i)), cancellationToken);

        var results = new List<ImportedFileResult>();
        for (var i = 0; i < pending.Count; i++)
        {
            await ImportedFiles.CompleteAsync(pipeline.DataSource, pending[i].File.FileId, counts[i], pipeline.Time.GetUtcNow(), cancellationToken);
            results.Add(new ImportedFileResult(pending[i].File, counts[i], AlreadyImported: false));
        }

        results.AddRange(registered.Where(r => r.File.CompletedAt is not null).Select(r => new ImportedFileResult(r.File, 0, AlreadyImported: true)));
        return results;
    }

    private IEnumerable<RawMessage> Read(ImportSource source, ImportedFile file, long[] counts, int index)
    {
        Current = source.Path;
        using var stream = File.OpenRead(source.Path);
        foreach (var message in ImportedFiles.Messages(file, source.Read(stream), pipeline.Time))
        {
            counts[index]++;
            Interlocked.Add(ref _bytesRead, message.Payload.Length + 1);
            yield return message;
        }
    }
}
