using CareLake.Ingest.Positions;
using CareLake.Testing;
using Npgsql;

namespace CareLake.Ingest.Tests;

public class SourcePositionsTests
{
    [Fact]
    public async Task Positions_advance_only_from_where_the_worker_read_them()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Positions_advance_only_from_where_the_worker_read_them));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await Advance(dataSource, "a", new PositionAdvance("t", 0, null, 100), new PositionAdvance("t", 1, null, 50));
        await Advance(dataSource, "a", new PositionAdvance("t", 0, 100, 180));

        var stored = await SourcePositions.ReadAsync(dataSource, "kafka", [("t", 0), ("t", 1), ("t", 2)], CancellationToken.None);
        Assert.Equal(new Dictionary<(string, int), long> { [("t", 0)] = 180, [("t", 1)] = 50 }, stored);

        // A worker that still believes partition 0 is at 100 (it lost the partition) is refused, and nothing of its batch moves.
        await Assert.ThrowsAsync<PositionConflictException>(() => Advance(dataSource, "b", new PositionAdvance("t", 1, 50, 60), new PositionAdvance("t", 0, 100, 200)));
        // So is one that thinks a partition has no position yet.
        await Assert.ThrowsAsync<PositionConflictException>(() => Advance(dataSource, "b", new PositionAdvance("t", 1, null, 10)));

        stored = await SourcePositions.ReadAsync(dataSource, "kafka", [("t", 0), ("t", 1)], CancellationToken.None);
        Assert.Equal(180, stored[("t", 0)]);
        Assert.Equal(50, stored[("t", 1)]);
    }

    [Fact]
    public async Task Two_workers_racing_for_one_partition_commit_once()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Two_workers_racing_for_one_partition_commit_once));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await Advance(dataSource, "seed", new PositionAdvance("t", 0, null, 10));

        await using var first = await dataSource.OpenConnectionAsync();
        await using var second = await dataSource.OpenConnectionAsync();
        await using var tx1 = await first.BeginTransactionAsync();
        await using var tx2 = await second.BeginTransactionAsync();
        await SourcePositions.AdvanceAsync(first, "kafka", [new PositionAdvance("t", 0, 10, 20)], "one", CancellationToken.None);
        var racing = SourcePositions.AdvanceAsync(second, "kafka", [new PositionAdvance("t", 0, 10, 25)], "two", CancellationToken.None); // blocks on the row lock
        await Task.Delay(200);
        Assert.False(racing.IsCompleted);
        await tx1.CommitAsync();

        await Assert.ThrowsAsync<PositionConflictException>(() => racing);
        Assert.Equal(20L, await Sql.ScalarAsync<long>(connectionString, "SELECT next_position FROM ingest.source_positions"));
        Assert.Equal("one", await Sql.ScalarAsync<string>(connectionString, "SELECT updated_by FROM ingest.source_positions"));
    }

    private static async Task Advance(NpgsqlDataSource dataSource, string worker, params PositionAdvance[] advances)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await SourcePositions.AdvanceAsync(connection, "kafka", advances, worker, CancellationToken.None);
        await tx.CommitAsync();
    }
}
