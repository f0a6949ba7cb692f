using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;
using CareLake.Quality;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Postgres;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Streaming;

/// <summary>A micro-batch ready to commit: the raw messages, the positions they advance, and silver's prepared rows.</summary>
/// <param name="BronzeIds">Set when the messages are already in bronze (landed earlier and typed into silver later, or typed again by a rebuild): their ids, and bronze is not written again.</param>
/// <param name="Claim">Run first in the transaction when <paramref name="BronzeIds"/> is set: takes the rows off the silver queue, or throws <see cref="PositionConflictException"/> when another worker took them.</param>
public sealed record PreparedBatch(
    string Source,
    IReadOnlyList<RawMessage> Messages,
    IReadOnlyCollection<PositionAdvance> Advances,
    IReadOnlyList<ISilverBatch> Silver,
    long Bytes,
    IReadOnlyList<long>? BronzeIds = null,
    Func<NpgsqlConnection, CancellationToken, Task>? Claim = null);

/// <summary>
/// Commits one micro-batch in one PostgreSQL transaction: advance the source positions (compare-and-set,
/// first, so its row locks fence off other workers), land the messages in bronze (binary COPY) or, for messages
/// landed earlier, take them off the silver queue, write silver (rows, alerts, duplicates, quarantine) and queue the
/// patients touched for the gold refresher and record them for the incremental gold models.
/// Either all of it commits, or none of it and the batch is read again.
/// </summary>
/// <remarks>With <paramref name="qualityChecks"/>, the silver suites' row-level checks run on the batch's rows before it commits (see <see cref="BatchQualityChecks"/>).</remarks>
public sealed class BatchCommitter(NpgsqlDataSource dataSource, IEnumerable<ISilverStage> stages, TimeProvider time, string workerId, Action<string>? log = null, BatchQualityChecks? qualityChecks = null) : IAsyncDisposable
{
    private readonly Dictionary<string, ISilverStage> _stages = stages.ToDictionary(s => s.Stream, StringComparer.Ordinal);
    private readonly Action<string> _log = log ?? (_ => { });
    private NpgsqlConnection? _connection;

    public string WorkerId => workerId;

    /// <summary>Runs silver's parsing and scoring (no I/O), so a pipeline can do it while the previous batch commits.</summary>
    public PreparedBatch Prepare(string source, IReadOnlyList<RawMessage> messages, IReadOnlyCollection<PositionAdvance> advances)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var byStream = new Dictionary<string, List<SilverInput>>(StringComparer.Ordinal);
        long bytes = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            bytes += m.Payload.Length;
            if (_stages.Count == 0) continue; // bronze only
            if (!byStream.TryGetValue(m.Stream, out var list)) byStream[m.Stream] = list = [];
            list.Add(new SilverInput(i, m.Stream, m.Payload, m.ReceivedAt, m.HeaderKeys, m.HeaderValues));
        }

        var silver = byStream.Select(kv => _stages.TryGetValue(kv.Key, out var stage) ? stage.Prepare(kv.Value) : SilverStages.Untyped(kv.Key, kv.Value)).ToList();
        return new PreparedBatch(source, messages, advances, silver, bytes);
    }

    /// <exception cref="PositionConflictException">Another worker advanced one of the partitions: re-read positions and continue from there.</exception>
    /// <exception cref="WarehouseException">The database keeps failing in a way retrying cannot fix.</exception>
    public async Task<SilverOutcome> CommitAsync(PreparedBatch batch, StreamStatistics statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(statistics);
        var safeMode = false;
        var races = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await ConnectionAsync(cancellationToken);
                return await CommitOnceAsync(connection, batch, safeMode, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && ++races <= 3)
            {
                // Another worker committed one of this batch's event_ids since silver looked: the retry sees it as a duplicate.
                _log($"batch raced another worker on {e.ConstraintName}; retrying");
            }
            catch (Exception e) when (!safeMode && IsRecordError(e))
            {
                _log($"batch of {batch.Messages.Count} refused ({Describe(e)}); committing it record by record to isolate the cause");
                await ResetConnectionAsync();
                safeMode = true;
                attempt = 0;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                statistics.AddRetry();
                await ResetConnectionAsync();
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 9))));
                _log($"database unavailable ({e.Message.Split('\n')[0]}); retrying batch in {delay.TotalSeconds:0.#} s (attempt {attempt})");
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (PostgresException e)
            {
                await ResetConnectionAsync();
                throw new WarehouseException($"The warehouse refused a batch ({e.SqlState}: {e.MessageText}). Check that the schema is migrated and the role may write to it.", e);
            }
            catch (PositionConflictException)
            {
                await ResetConnectionAsync();
                throw;
            }
        }
    }

    private async Task<SilverOutcome> CommitOnceAsync(NpgsqlConnection connection, PreparedBatch batch, bool safeMode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcome = new SilverOutcome();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SourcePositions.AdvanceAsync(connection, batch.Source, batch.Advances, workerId, cancellationToken);
        if (batch.Claim is { } claim) await claim(connection, cancellationToken);
        var ids = batch.BronzeIds ?? await BronzeWriter.WriteAsync(connection, batch.Messages, cancellationToken);
        var patients = new HashSet<PatientKey>();
        var changed = new HashSet<PatientKey>();
        foreach (var silver in batch.Silver)
        {
            if (!safeMode)
            {
                outcome.Add(await silver.WriteAsync(connection, ids, now, cancellationToken));
                patients.UnionWith(silver.Patients);
                changed.UnionWith(silver.ChangedPatients);
                continue;
            }

            foreach (var one in silver.OneByOne())
            {
                await transaction.SaveAsync("record", cancellationToken);
                try
                {
                    outcome.Add(await one.WriteAsync(connection, ids, now, cancellationToken));
                    patients.UnionWith(one.Patients);
                    changed.UnionWith(one.ChangedPatients);
                }
                catch (Exception e) when (IsRecordError(e))
                {
                    await transaction.RollbackAsync("record", cancellationToken);
                    foreach (var entry in await one.QuarantineAsync(connection, ids, Describe(e), now, cancellationToken)) outcome.Quarantine(entry);
                }
            }
        }

        if (qualityChecks is not null && batch.Silver.Count > 0)
        {
            // A check that cannot run must not cost the batch: its own savepoint, and the batch commits without it.
            await transaction.SaveAsync("quality", cancellationToken);
            try
            {
                var checkedRows = await qualityChecks.ApplyAsync(connection, ids, workerId, cancellationToken);
                if (checkedRows.FailedChecks > 0)
                {
                    _log($"data quality: {checkedRows.FailingRows:N0} rows failed {checkedRows.FailedChecks} checks, {checkedRows.QuarantinedRows:N0} quarantined");
                }
            }
            catch (PostgresException e) when (!IsTransient(e))
            {
                await transaction.RollbackAsync("quality", cancellationToken);
                _log($"data-quality checks skipped for a batch of {batch.Messages.Count}: {Describe(e)}");
            }
        }

        await PatientRiskSnapshotModel.QueueAsync(connection, patients, cancellationToken);
        await ChangedPatients.RecordAsync(connection, changed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outcome.BronzeIds = ids;
        return outcome;
    }

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: System.Data.ConnectionState.Open }) return _connection;
        await ResetConnectionAsync();
        _connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return _connection;
    }

    private async Task ResetConnectionAsync()
    {
        if (_connection is null) return;
        try
        {
            await _connection.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is already broken; nothing to release.
        }

        _connection = null;
    }

    // The batch's content is at fault, not the system: the server refused a value (class 22 data exception,
    // 23 integrity constraint, 54 program limit) or the driver could not encode one.
    private static bool IsRecordError(Exception e) => e switch
    {
        PostgresException pg => IsDataError(pg),
        ArgumentException or InvalidCastException or OverflowException or FormatException => true,
        _ => false,
    };

    private static string Describe(Exception e) => e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : $"{e.GetType().Name}: {e.Message}";

    private static bool IsDataError(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal) ||
        e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    internal static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npg => npg.IsTransient || npg.InnerException is IOException or System.Net.Sockets.SocketException,
        IOException or System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync() => await ResetConnectionAsync();
}
