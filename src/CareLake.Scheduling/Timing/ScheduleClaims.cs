using Npgsql;

namespace CareLake.Scheduling.Timing;

/// <summary>
/// Claims a scheduled occurrence of a job in <c>ops.schedule_claims</c>: the first scheduler to insert
/// (job, due time) runs it; every other scheduler sharing the warehouse finds the row taken and skips that occurrence.
/// </summary>
public sealed class ScheduleClaims(NpgsqlDataSource dataSource)
{
    /// <summary>True when this holder won the occurrence.</summary>
    public async Task<bool> TryClaimAsync(string job, DateTimeOffset dueAt, string holder, string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ops.schedule_claims (job, due_at, holder, run_id, claimed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job, due_at) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = job });
        command.Parameters.Add(new NpgsqlParameter { Value = dueAt });
        command.Parameters.Add(new NpgsqlParameter { Value = holder });
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
