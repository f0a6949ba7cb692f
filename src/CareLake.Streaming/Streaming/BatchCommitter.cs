using System.Diagnostics;
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

/// <summary>What a committed batch did, as recorded in <c>ops.stream_batches</c>.</summary>
/// <param name="Sequence">The batch's number within its committer, from 1.</param>
/// <param name="BronzeRows">Messages this batch landed in bronze (0 when they were landed earlier).</param>
/// <param name="Duration">From the first attempt to just before COMMIT, retries included.</param>
public sealed record CommittedBatch(string Worker, string Source, long Sequence, int Messages, int BronzeRows, long SilverRows, long Duplicates, long Quarantined, TimeSpan Duration);

/// <summary>
/// Commits one micro-batch in one PostgreSQL transaction: advance the source positions (compare-and-set,
/// first, so its row locks fence off other workers), land the messages in bronze (binary COPY) or, for messages
/// landed earlier, take them off the silver queue, write silver (rows, alerts, duplicates, quarantine) and queue the
/// patients touched for the gold refresher and record them for the incremental gold models.
/// Either all of it commits, or none of it and the batch is read again.
/// </summary>
/// <remarks>With <paramref name="qualityChecks"/>, the silver suites' row-level checks run on the batch's rows before it commits (see <see cref="BatchQualityChecks"/>).</remarks>
/// <remarks>
/// Every committed batch also leaves one row in <c>ops.stream_batches</c>, written in its transaction (so exactly once
/// with the batch); rows older than <paramref name="historyRetention"/> (default 7 days) are deleted about once an hour.
/// </remarks>
public sealed class BatchCommitter(NpgsqlDataSource dataSource, IEnumerable<ISilverStage> stages, TimeProvider time, string workerId, Action<string>? log = null,
    BatchQualityChecks? qualityChecks = null, TimeSpan? historyRetention = null, Action<CommittedBatch>? committed = null) : IAsyncDisposable
{
    /// <summary>How long <c>ops.stream_batches</c> keeps a batch when not told otherwise.</summary>
    public static readonly TimeSpan DefaultHistoryRetention = TimeSpan.FromDays(7);

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private readonly Dictionary<string, ISilverStage> _stages = stages.ToDictionary(s => s.Stream, StringComparer.Ordinal);
    private readonly Action<string> _log = log ?? (_ => { });
    private readonly TimeSpan _retention = historyRetention ?? DefaultHistoryRetention;
    private NpgsqlConnection? _connection;
    private long _sequence;
    private long _lastPrune = long.MinValue;

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
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await ConnectionAsync(cancellationToken);
                var outcome = await CommitOnceAsync(connection, batch, safeMode, started, cancellationToken);
                await PruneHistoryAsync(connection);
                return outcome;
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

    private async Task<SilverOutcome> CommitOnceAsync(NpgsqlConnection connection, PreparedBatch batch, bool safeMode, long started, CancellationToken cancellationToken)
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

        long checkQuarantined = 0;
        if (qualityChecks is not null && batch.Silver.Count > 0)
        {
            // A check that cannot run must not cost the batch: its own savepoint, and the batch commits without it.
            await transaction.SaveAsync("quality", cancellationToken);
            try
            {
                var checkedRows = await qualityChecks.ApplyAsync(connection, ids, workerId, cancellationToken);
                checkQuarantined = checkedRows.QuarantinedRows;
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
        var record = new CommittedBatch(workerId, batch.Source, _sequence + 1, batch.Messages.Count, batch.BronzeIds is null ? ids.Count : 0,
            outcome.Inserted, outcome.Duplicates, outcome.Quarantined.Values.Sum() + checkQuarantined, Stopwatch.GetElapsedTime(started));
        await RecordAsync(connection, record, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _sequence++;
        outcome.BronzeIds = ids;
        try
        {
            committed?.Invoke(record);
        }
#pragma warning disable CA1031 // The batch is committed: an observer's failure must not have it retried.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log($"batch observer failed: {e.Message}");
        }

        return outcome;
    }

    /// <summary>The batch's row in <c>ops.stream_batches</c>: the last statement before COMMIT, timed by the database's clock.</summary>
    private static async Task RecordAsync(NpgsqlConnection connection, CommittedBatch batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO ops.stream_batches (worker, source, sequence, messages, bronze_rows, silver_rows, duplicates, quarantined, started_at, committed_at, duration_ms)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp() - make_interval(secs => $9 / 1000.0), clock_timestamp(), $9
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.Worker });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.Source });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.Sequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batch.Messages });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batch.BronzeRows });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(int.MaxValue, batch.SilverRows) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(int.MaxValue, batch.Duplicates) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(int.MaxValue, batch.Quarantined) });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = batch.Duration.TotalMilliseconds });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// About once an hour per committer: deletes the batch history older than the retention (its own short statement,
    /// after the commit). Best effort: the batch is committed already, so nothing here may fail it or have it retried.
    /// </summary>
    private async Task PruneHistoryAsync(NpgsqlConnection connection)
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastPrune != long.MinValue && Stopwatch.GetElapsedTime(_lastPrune, now) < PruneInterval) return;
        _lastPrune = now;
        try
        {
            await using var command = new NpgsqlCommand("DELETE FROM ops.stream_batches WHERE committed_at < now() - make_interval(secs => $1)", connection);
            command.CommandTimeout = 60;
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = _retention.TotalSeconds });
            var deleted = await command.ExecuteNonQueryAsync(CancellationToken.None);
            if (deleted > 0) _log($"batch history: deleted {deleted:N0} batches older than {_retention.TotalDays:0.#} days");
        }
        catch (Exception e) when (e is NpgsqlException or IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            // Tried again in an hour; a broken connection is replaced by the next commit's retry.
            _log($"batch history not pruned: {Describe(e)}");
        }
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
