using System.Diagnostics;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Warehouse.Gold;

/// <summary>
/// The gold model runner: loads the seeds, orders the models by their <c>gold.*</c> inputs and runs each in its own
/// transaction, per_patient models incrementally (the patients whose silver rows changed since the model's last
/// run, tracked by PostgreSQL snapshots) and table models whole. A failing model is recorded with its error, the
/// models downstream of it are skipped, and the others still run. Every model's run is recorded in
/// <c>ops.model_runs</c>.
/// </summary>
public static class GoldModels
{
    private const long RunLockKey = 0x4341_5245_474f_4c44; // "CAREGOLD"

    /// <summary>The models in <c>Gold/Models/*.sql</c>, in dependency order.</summary>
    public static IReadOnlyList<GoldModel> All { get; } = Order(SqlResources.Warehouse.Names("Gold/Models")
        .Select(path => GoldModel.Parse(Path.GetFileNameWithoutExtension(path), SqlResources.Warehouse.Load(path))));

    /// <summary>Orders models so that each comes after the models it reads (ties by name).</summary>
    /// <exception cref="WarehouseException">A model reads a <c>gold.*</c> table no model builds, or the models read each other in a cycle.</exception>
    public static IReadOnlyList<GoldModel> Order(IEnumerable<GoldModel> models)
    {
        var byName = new Dictionary<string, GoldModel>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!byName.TryAdd(model.Name, model)) throw new WarehouseException($"Two gold models build gold.{model.Name}.");
        }

        foreach (var model in byName.Values)
        {
            foreach (var input in model.GoldInputs)
            {
                if (!byName.ContainsKey(input)) throw new WarehouseException($"Gold model {model.Name} depends on gold.{input}, which no model builds (models: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}).");
                if (input == model.Name) throw new WarehouseException($"Gold model {model.Name} depends on itself.");
            }
        }

        var ordered = new List<GoldModel>(byName.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var pending = byName.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(m => m.GoldInputs.All(done.Contains));
            if (ready is null)
            {
                throw new WarehouseException($"Gold models depend on each other in a cycle: {string.Join(", ", Cycle(pending, done).Select(n => "gold." + n))}.");
            }

            ordered.Add(ready);
            done.Add(ready.Name);
            pending.Remove(ready);
        }

        return ordered;
    }

    private static List<string> Cycle(List<GoldModel> pending, HashSet<string> done)
    {
        // Walk unfinished inputs from any pending model until a name repeats: that loop is the cycle.
        var byName = pending.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var path = new List<string>();
        var current = pending[0].Name;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = byName[current].GoldInputs.First(i => !done.Contains(i));
        }

        var loop = path[path.IndexOf(current)..];
        loop.Add(current);
        return loop;
    }

    /// <summary>The models a selection names, in dependency order: <c>name</c>, or <c>name+</c> for it and everything downstream.</summary>
    /// <exception cref="WarehouseException">A selector names no model.</exception>
    public static IReadOnlyList<GoldModel> Select(IReadOnlyList<GoldModel> ordered, IReadOnlyList<string> selectors)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0) return ordered;
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in selectors.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var downstream = selector.EndsWith('+');
            var name = selector.TrimEnd('+');
            if (name.StartsWith("gold.", StringComparison.Ordinal)) name = name["gold.".Length..];
            if (ordered.All(m => m.Name != name))
            {
                throw new WarehouseException($"No gold model is called '{name}'. Models: {string.Join(", ", ordered.Select(m => m.Name))}.");
            }

            chosen.Add(name);
            if (!downstream) continue;
            // In dependency order, one pass finds every transitive dependent.
            foreach (var model in ordered)
            {
                if (model.GoldInputs.Any(i => chosen.Contains(i) && Reaches(ordered, name, i))) chosen.Add(model.Name);
            }
        }

        return ordered.Where(m => chosen.Contains(m.Name)).ToList();
    }

    // Whether `from` is `to` or upstream of it.
    private static bool Reaches(IReadOnlyList<GoldModel> ordered, string from, string to)
    {
        if (from == to) return true;
        var model = ordered.First(m => m.Name == to);
        return model.GoldInputs.Any(i => Reaches(ordered, from, i));
    }

    /// <summary>
    /// Runs the selected models (see <see cref="GoldRunOptions"/>). Runs are serialised by an advisory lock: a second
    /// run waits for the first.
    /// </summary>
    /// <returns>One entry per selected model, in the order they ran.</returns>
    /// <exception cref="WarehouseException">The selection or the models' dependencies are wrong, or a seed cannot be loaded; nothing ran.</exception>
    public static async Task<IReadOnlyList<GoldModelRun>> RunAsync(NpgsqlDataSource dataSource, GoldRunOptions options, IProgress<GoldModelProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        var models = options.Models is null ? All : Order(options.Models);
        var selected = Select(models, options.Select);
        var invocation = Guid.NewGuid();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock($1)", cancellationToken, RunLockKey);
        try
        {
            if (options.LoadSeeds)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await GoldSeeds.LoadAsync(connection, GoldSeeds.All, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            var runs = new List<GoldModelRun>(selected.Count);
            var failed = new HashSet<string>(StringComparer.Ordinal);
            Task<AllPatients>? everyone = null;
            for (var i = 0; i < selected.Count; i++)
            {
                var model = selected[i];
                progress?.Report(new GoldModelProgress(model.Name, i + 1, selected.Count, null));
                var started = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                GoldModelRun run;
                string? snapshot = null;
                var blockedBy = model.GoldInputs.Where(failed.Contains).ToList();
                if (blockedBy.Count > 0)
                {
                    run = new GoldModelRun(model.Name, 0, TimeSpan.Zero, GoldRunStatus.Skipped,
                        $"skipped: its input {string.Join(", ", blockedBy.Select(b => "gold." + b))} failed or was skipped", options.FullRefresh);
                }
                else
                {
                    try
                    {
                        for (var attempt = 1; ; attempt++)
                        {
                            try
                            {
                                if (model.Materialization == GoldMaterialization.Table)
                                {
                                    run = await RunTableAsync(connection, model, clock, cancellationToken);
                                }
                                else
                                {
                                    (run, snapshot) = await RunPerPatientAsync(connection, model, options.FullRefresh, () => everyone ??= AllPatients.ReadAsync(connection, cancellationToken), clock, cancellationToken);
                                }

                                break;
                            }
                            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                            {
                                // The stream's refresher writes patient_risk_snapshot concurrently, in its own order: try again.
                            }
                        }
                    }
                    catch (Exception e) when (e is PostgresException or NpgsqlException or WarehouseException && !cancellationToken.IsCancellationRequested)
                    {
                        if (connection.State != System.Data.ConnectionState.Open) throw new WarehouseException($"The connection to the warehouse was lost while gold.{model.Name} ran: {e.Message}", e);
                        run = new GoldModelRun(model.Name, 0, clock.Elapsed, GoldRunStatus.Error, e is PostgresException pg ? Describe(pg) : e.Message, options.FullRefresh);
                    }
                }

                if (run.Status != GoldRunStatus.Success) failed.Add(model.Name);
                await RecordAsync(connection, invocation, model, run, started, snapshot, cancellationToken);
                runs.Add(run);
                progress?.Report(new GoldModelProgress(model.Name, i + 1, selected.Count, run));
            }

            await PurgeChangesAsync(connection, models, cancellationToken);
            return runs;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None, RunLockKey);
            }
        }
    }

    /// <summary>How many rows each model's table holds now.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(NpgsqlDataSource dataSource, IEnumerable<string> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(models);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var model in models)
        {
            var table = All.FirstOrDefault(m => m.Name == model)?.Table ?? throw new WarehouseException($"No gold model is called '{model}'.");
            counts[model] = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}", cancellationToken);
        }

        return counts;
    }

    private static string Describe(PostgresException e) =>
        $"{e.SqlState}: {e.MessageText}" + (e.Detail is { Length: > 0 } d ? $" ({d})" : "") + (e.Where is { Length: > 0 } w ? $" [{w.Split('\n')[0]}]" : "");

    // Enough memory for a full refresh's sorts and hashes of a year's silver to stay off disk; this transaction only.
    private const string ModelSettings = "SET LOCAL work_mem = '128MB'";

    private static async Task<GoldModelRun> RunTableAsync(NpgsqlConnection connection, GoldModel model, Stopwatch clock, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, ModelSettings, cancellationToken);
        await ExecuteAsync(connection, model.Sql, cancellationToken);
        var rows = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {model.Table}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new GoldModelRun(model.Name, rows, clock.Elapsed, GoldRunStatus.Success, null, FullRefresh: true);
    }

    private static async Task<(GoldModelRun, string)> RunPerPatientAsync(NpgsqlConnection connection, GoldModel model, bool fullRefresh,
        Func<Task<AllPatients>> everyone, Stopwatch clock, CancellationToken cancellationToken)
    {
        var previous = await ScalarAsync<string?>(connection, """
            SELECT snapshot::text FROM ops.model_runs
             WHERE model = $1 AND status = 'success' AND snapshot IS NOT NULL
             ORDER BY run_id DESC LIMIT 1
            """, cancellationToken, model.Name);
        var full = fullRefresh || previous is null;
        // A full refresh covers what the snapshot taken before listing every patient saw; an incremental run what its
        // own snapshot (taken before reading the queue) saw. Later commits are picked up by the next run.
        var all = full ? await everyone() : null;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, ModelSettings, cancellationToken);
        var snapshot = all?.Snapshot ?? await ScalarAsync<string>(connection, "SELECT pg_current_snapshot()::text", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE model_patients (
                source      text COLLATE "C" NOT NULL,
                patient_id  text COLLATE "C" NOT NULL,
                PRIMARY KEY (source, patient_id)
            ) ON COMMIT DROP
            """, cancellationToken);
        if (all is not null)
        {
            await ExecuteAsync(connection, $"TRUNCATE {model.Table}", cancellationToken);
            await using var fill = new NpgsqlCommand("INSERT INTO model_patients (source, patient_id) SELECT * FROM unnest($1::text[], $2::text[])", connection);
            fill.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = all.Sources });
            fill.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = all.PatientIds });
            await fill.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await ExecuteAsync(connection, """
                INSERT INTO model_patients (source, patient_id)
                SELECT DISTINCT source, patient_id FROM gold.changed_patients
                 WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)
                ON CONFLICT DO NOTHING
                """, cancellationToken, previous!);
        }

        await ExecuteAsync(connection, "ANALYZE model_patients", cancellationToken);
        await ExecuteAsync(connection, model.Sql, cancellationToken);
        var patients = await ScalarAsync<long>(connection, "SELECT count(*) FROM model_patients", cancellationToken);
        var rows = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {model.Table} t JOIN model_patients m ON m.source = t.source AND m.patient_id = t.patient_id", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (new GoldModelRun(model.Name, rows, clock.Elapsed, GoldRunStatus.Success, null, full, (int)patients), snapshot);
    }

    private static async Task RecordAsync(NpgsqlConnection connection, Guid invocation, GoldModel model, GoldModelRun run, DateTimeOffset started, string? snapshot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO ops.model_runs (invocation_id, model, materialized, started_at, finished_at, rows, patients, duration_ms, status, error, full_refresh, snapshot)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::pg_snapshot)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = invocation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Materialization == GoldMaterialization.PerPatient ? "per_patient" : "table" });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = started });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = started + run.Duration });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Status == GoldRunStatus.Success ? run.Rows : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.Patients ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)run.Duration.TotalMilliseconds });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Status.ToString().ToLowerInvariant() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = run.FullRefresh || model.Materialization == GoldMaterialization.Table });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Status == GoldRunStatus.Success && snapshot is not null ? snapshot : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the queue rows that every per_patient model's latest successful snapshot already sees.</summary>
    private static async Task PurgeChangesAsync(NpgsqlConnection connection, IReadOnlyList<GoldModel> models, CancellationToken cancellationToken)
    {
        var perPatient = models.Where(m => m.Materialization == GoldMaterialization.PerPatient).Select(m => m.Name).ToArray();
        if (perPatient.Length == 0) return;
        // Below a snapshot's xmin every transaction is settled and visible (or aborted) to it. A model that has never
        // succeeded needs no queue: its first run is a full refresh.
        await using var command = new NpgsqlCommand("""
            DELETE FROM gold.changed_patients
             WHERE xid < (SELECT min(pg_snapshot_xmin(latest.snapshot))
                            FROM (SELECT DISTINCT ON (model) snapshot FROM ops.model_runs
                                   WHERE model = ANY ($1) AND status = 'success' AND snapshot IS NOT NULL
                                   ORDER BY model, run_id DESC) AS latest)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = perPatient });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null ? default! : (T)value;
    }

    /// <summary>Every patient key in silver, and the snapshot taken just before they were listed.</summary>
    private sealed record AllPatients(string Snapshot, string[] Sources, string[] PatientIds)
    {
        public static async Task<AllPatients> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            var snapshot = await ScalarAsync<string>(connection, "SELECT pg_current_snapshot()::text", cancellationToken);
            var sources = new List<string>();
            var ids = new List<string>();
            await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load("Gold/all_patients.sql"), connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sources.Add(reader.GetString(0));
                ids.Add(reader.GetString(1));
            }

            return new AllPatients(snapshot, [.. sources], [.. ids]);
        }
    }
}
