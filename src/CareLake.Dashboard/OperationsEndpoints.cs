using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CareLake.Dashboard.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Dashboard;

/// <summary>
/// The Operations view's API (<c>/v1/operations/…</c>): throughput per stage, the stream's micro-batches and their
/// durations, committed positions, Kafka topics with their end offsets and lag, MLLP connections, gold model runs and
/// DAG runs. Reads the ops tables the stream and the runners write (ops.stream_batches, ops.mllp_connections,
/// ops.model_runs, ops.runs, ops.task_runs), ingest.source_positions and, for Kafka, the broker itself.
/// </summary>
public static class OperationsEndpoints
{
    public const int MaxMinutes = 1440;
    public const int MaxBatches = 2000;

    public static void MapOperations(this IEndpointRouteBuilder app, TableQuery queries)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(queries);
        var group = app.MapGroup("/v1/operations").WithTags("Operations");

        group.MapGet("/throughput", (string? minutes, HttpContext http) =>
                Bounded(minutes, "minutes", 60, MaxMinutes) is var (value, problem) && problem is not null
                    ? Task.FromResult(problem)
                    : queries.AnswerAsync("Operations/throughput.sql", [TableQuery.Parameter("minutes", NpgsqlDbType.Integer, value)], http.RequestAborted))
            .Describe("OperationsThroughput", "Throughput per stage and minute",
                "Events per second per stage (bronze and silver rows from the committed micro-batches, gold rows from successful model runs) " +
                $"for each minute of the last `minutes` minutes (default 60, at most {MaxMinutes}) up to the latest activity. " +
                "Columns: minute, stage (bronze|silver|gold), events (in that minute), events_per_second.", withBadRequest: true);

        group.MapGet("/batches", (string? limit, HttpContext http) => Latest(queries, "Operations/batches.sql", limit, http))
            .Describe("OperationsBatches", "The latest micro-batches",
                $"The latest `limit` (default 200, at most {MaxBatches}) committed micro-batches of every source, newest first: worker, source, its sequence " +
                "within the worker, messages, bronze and silver rows, duplicates, quarantined, and how long its commit took (duration_ms).", withBadRequest: true);

        group.MapGet("/batch-durations", (string? limit, HttpContext http) => Latest(queries, "Operations/batch-durations.sql", limit, http))
            .Describe("OperationsBatchDurations", "Commit durations of the latest micro-batches",
                $"The latest `limit` (default 200, at most {MaxBatches}) committed micro-batches in commit order: committed_at, source, messages, duration_ms.", withBadRequest: true);

        MapFixed(group, queries, "/sources", "Operations/sources.sql", "OperationsSources", "Batches per source (24 h)",
            "Per source over the last 24 hours: batches, messages, bronze and silver rows, duplicates, quarantined, and commit durations (p50, p95, max in ms).");
        MapFixed(group, queries, "/positions", "Operations/positions.sql", "OperationsPositions", "Committed source positions",
            "CareLake's own committed positions (ingest.source_positions): per source, stream (Kafka topic) and partition, the next position to read, when and by which worker it was advanced.");
        MapFixed(group, queries, "/mllp-connections", "Operations/mllp-connections.sql", "OperationsMllpConnections", "MLLP connections",
            "The stream workers' MLLP connections: every open one, then the latest closed ones (200 rows at most). state is open, closed, " +
            "or stale (its worker has not reported it for over 30 s). Counts are written by the worker every 5 s.");
        MapFixed(group, queries, "/model-runs", "Operations/model-runs.sql", "OperationsModelRuns", "Latest gold model runs",
            "The latest 100 gold model runs (ops.model_runs), newest first.");
        MapFixed(group, queries, "/model-durations", "Operations/model-durations.sql", "OperationsModelDurations", "Each gold model's latest run",
            "One row per gold model: its latest run's duration_ms, rows, status and finished_at.");
        MapFixed(group, queries, "/runs", "Operations/runs.sql", "OperationsRuns", "Latest DAG runs",
            "The latest 50 DAG runs (ops.runs) with their number of task attempts and failed ones, newest first.");
        MapFixed(group, queries, "/task-runs", "Operations/task-runs.sql", "OperationsTaskRuns", "Latest DAG task runs",
            "The latest 200 task attempts of DAG runs (ops.task_runs), newest first.");

        group.MapGet("/kafka", (HttpContext http, CancellationToken cancellationToken) => KafkaAsync(queries, Broker(http), cancellationToken))
            .Describe("OperationsKafka", "Kafka topics, end offsets, committed positions and lag",
                "One row per topic partition known to the broker or to CareLake's positions: the partition's leader, start and end offsets " +
                "(low and high watermarks, from the broker at the configured bootstrap servers), CareLake's committed position " +
                "(ingest.source_positions, source kafka), and lag = end_offset − committed_position (end_offset − start_offset when nothing is " +
                "committed yet). broker is reachable, unreachable or not_configured; when the broker cannot be reached the positions are still " +
                "answered, with the broker's columns null.", withBadRequest: false);

        group.MapGet("/kafka/broker", async (HttpContext http, CancellationToken cancellationToken) =>
            {
                var snapshot = await Broker(http).ReadAsync(cancellationToken);
                var buffer = new ArrayBufferWriter<byte>(256);
                await using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    json.WriteString("status", snapshot.Status);
                    json.WriteString("bootstrap_servers", snapshot.BootstrapServers);
                    json.WriteNumber("brokers", snapshot.Brokers);
                    json.WriteNumber("topics", snapshot.Partitions.Select(p => p.Topic).Distinct().Count());
                    json.WriteNumber("partitions", snapshot.Partitions.Count);
                    json.WriteString("error", snapshot.Error);
                    json.WriteEndObject();
                }

                return Results.Bytes(buffer.WrittenMemory, "application/json");
            })
            .WithName("OperationsKafkaBroker")
            .WithSummary("Kafka broker status")
            .WithDescription("Whether the broker at the configured bootstrap servers answers: {status: reachable|unreachable|not_configured, bootstrap_servers, brokers, topics, partitions, error}.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
    }

    private static KafkaBroker Broker(HttpContext http) =>
        http.RequestServices.GetService<KafkaBroker>() ?? NoBroker;

    private static readonly KafkaBroker NoBroker = new(null);

    private static Task<IResult> Latest(TableQuery queries, string sql, string? limit, HttpContext http) =>
        Bounded(limit, "limit", 200, MaxBatches) is var (value, problem) && problem is not null
            ? Task.FromResult(problem)
            : queries.AnswerAsync(sql, [TableQuery.Parameter("limit", NpgsqlDbType.Integer, value)], http.RequestAborted);

    private static void MapFixed(RouteGroupBuilder group, TableQuery queries, string pattern, string sql, string name, string summary, string description) =>
        group.MapGet(pattern, (CancellationToken cancellationToken) => queries.AnswerAsync(sql, [], cancellationToken))
            .Describe(name, summary, description, withBadRequest: false);

    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string name, string summary, string description, bool withBadRequest)
    {
        endpoint.WithName(name).WithSummary(summary).WithDescription(description + " Answer: {columns:[{name,type}], rows:[[…]]}.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        if (withBadRequest) endpoint.ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoint;
    }

    /// <summary>An optional whole number in [1, max], or the 400 problem that says what is wrong with it.</summary>
    private static (int Value, IResult? Problem) Bounded(string? text, string name, int fallback, int max)
    {
        if (string.IsNullOrEmpty(text)) return (fallback, null);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? (value, null)
            : (0, Results.Problem(detail: $"{name} is a whole number from 1 to {max}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid query"));
    }

    private sealed record Position(long Next, DateTime UpdatedAt, string? UpdatedBy);

    private static async Task<IResult> KafkaAsync(TableQuery queries, KafkaBroker broker, CancellationToken cancellationToken)
    {
        var reading = broker.ReadAsync(cancellationToken);
        var positions = new Dictionary<(string Topic, int Partition), Position>();
        await using (var command = queries.DataSource.CreateCommand(TableQuery.Sql.Load("Operations/kafka-positions.sql")))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                positions[(reader.GetString(0), reader.GetInt32(1))] =
                    new Position(reader.GetInt64(2), reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            }
        }

        var snapshot = await reading;
        var partitions = snapshot.Partitions.ToDictionary(p => (p.Topic, p.Partition));
        var keys = partitions.Keys.Union(positions.Keys).OrderBy(k => k.Topic, StringComparer.Ordinal).ThenBy(k => k.Partition);

        var buffer = new ArrayBufferWriter<byte>(4096);
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("columns");
            foreach (var (name, type) in KafkaColumns)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("type", type);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rows");
            foreach (var key in keys)
            {
                var offsets = partitions.GetValueOrDefault(key);
                var position = positions.GetValueOrDefault(key);
                var lag = KafkaBroker.Lag(offsets, position?.Next);
                json.WriteStartArray();
                json.WriteStringValue(key.Topic);
                json.WriteNumberValue(key.Partition);
                Number(json, offsets?.Leader);
                Number(json, offsets?.StartOffset);
                Number(json, offsets?.EndOffset);
                Number(json, position?.Next);
                Number(json, lag);
                if (position?.UpdatedBy is { } by) json.WriteStringValue(by); else json.WriteNullValue();
                if (position is not null) json.WriteStringValue(DateTime.SpecifyKind(position.UpdatedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                else json.WriteNullValue();
                json.WriteStringValue(snapshot.Status);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenMemory, "application/json");
    }

    private static readonly (string Name, string Type)[] KafkaColumns =
    [
        ("topic", "text"), ("partition", "number"), ("leader", "number"), ("start_offset", "number"), ("end_offset", "number"),
        ("committed_position", "number"), ("lag", "number"), ("updated_by", "text"), ("updated_at", "timestamp"), ("broker", "text"),
    ];

    private static void Number(Utf8JsonWriter json, long? value)
    {
        if (value is { } v) json.WriteNumberValue(v);
        else json.WriteNullValue();
    }
}
