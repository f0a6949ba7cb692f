using Npgsql;
using NpgsqlTypes;

namespace CareLake.Scheduling.History;

/// <summary>How a task ended in a run.</summary>
public enum TaskRunStatus
{
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>A run as <c>ops.runs</c> holds it.</summary>
public sealed record RunRecord(string RunId, string Job, string Trigger, IReadOnlyList<string> Selection, DateOnly? From, DateOnly? To, string Status,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, bool FullRefresh);

/// <summary>Reads and writes <c>ops.runs</c> and <c>ops.task_runs</c>.</summary>
public sealed class RunHistory(NpgsqlDataSource dataSource)
{
    private const string FullRefreshMarker = "--full-refresh";

    public async Task StartAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var selection = run.FullRefresh ? run.Selection.Append(FullRefreshMarker).ToArray() : run.Selection.ToArray();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ops.runs (run_id, job, trigger, selection, range_from, range_to, status, started_at) VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)");
        command.Parameters.Add(new NpgsqlParameter { Value = run.RunId });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Job });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Trigger });
        command.Parameters.Add(new NpgsqlParameter { Value = selection, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.From ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.To ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = run.StartedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks a run running again for a resume; returns it, or null when there is no such run.</summary>
    public async Task<RunRecord?> ReopenAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE ops.runs SET status = 'running', finished_at = NULL WHERE run_id = $1 " +
            "RETURNING run_id, job, trigger, selection, range_from, range_to, status, started_at, finished_at");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var selection = reader.GetFieldValue<string[]>(3);
        return new RunRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            selection.Where(s => s != FullRefreshMarker).ToList(),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
            reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            selection.Contains(FullRefreshMarker));
    }

    public async Task FinishAsync(string runId, string status, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE ops.runs SET status = $2, finished_at = $3 WHERE run_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = finishedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The tasks that have succeeded in a run, with their rows.</summary>
    public async Task<IReadOnlyDictionary<string, long?>> SucceededAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT task, rows FROM ops.task_runs WHERE run_id = $1 AND status = 'succeeded'");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var done = new Dictionary<string, long?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) done[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        return done;
    }

    /// <summary>The highest attempt a task has had in a run (0 if none), so a resume numbers its attempts on.</summary>
    public async Task<IReadOnlyDictionary<string, int>> AttemptsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT task, max(attempt) FROM ops.task_runs WHERE run_id = $1 GROUP BY task");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) attempts[reader.GetString(0)] = reader.GetInt32(1);
        return attempts;
    }

    /// <summary>Records an attempt starting; returns its <c>task_run_id</c>.</summary>
    public async Task<long> AttemptStartedAsync(string runId, string task, int attempt, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ops.task_runs (run_id, task, attempt, status, started_at) VALUES ($1, $2, $3, 'running', $4) RETURNING task_run_id");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = task });
        command.Parameters.Add(new NpgsqlParameter { Value = attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = startedAt });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task AttemptFinishedAsync(long taskRunId, TaskRunStatus status, DateTimeOffset finishedAt, long? rows, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE ops.task_runs SET status = $2, finished_at = $3, rows = $4, error = $5 WHERE task_run_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = taskRunId });
        command.Parameters.Add(new NpgsqlParameter { Value = StatusText(status) });
        command.Parameters.Add(new NpgsqlParameter { Value = finishedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)rows ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a task skipped without an attempt (attempt 0); returns its <c>task_run_id</c>.</summary>
    public async Task<long> SkippedAsync(string runId, string task, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ops.task_runs (run_id, task, attempt, status, started_at, finished_at, error) VALUES ($1, $2, 0, 'skipped', $3, $3, $4) RETURNING task_run_id");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = task });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static string StatusText(TaskRunStatus status) => status switch
    {
        TaskRunStatus.Succeeded => "succeeded",
        TaskRunStatus.Failed => "failed",
        _ => "skipped",
    };
}
