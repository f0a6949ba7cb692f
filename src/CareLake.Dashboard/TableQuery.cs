using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CareLake.Warehouse;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Dashboard;

/// <summary>
/// Runs one of the dashboard's <c>.sql</c> files and answers with its result as a table:
/// <c>{"columns":[{"name":"day","type":"date"},…],"rows":[["2026-01-01",12],…]}</c>. Every chart and table of the pages
/// reads this one shape, so a chart's data can always be downloaded as CSV and checked against what the API returned.
/// </summary>
public sealed class TableQuery(NpgsqlDataSource dataSource)
{
    /// <summary>No dashboard query may hold a connection longer than this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    internal static SqlResources Sql { get; } = new(typeof(TableQuery).Assembly);

    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>The query in <paramref name="sqlPath"/> (e.g. <c>Analytics/admissions.sql</c>) as a JSON table.</summary>
    public async Task<IResult> AnswerAsync(string sqlPath, IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        var body = await RunAsync(sqlPath, parameters, cancellationToken);
        return Results.Bytes(body.WrittenMemory, "application/json");
    }

    /// <summary>The query's result written as the JSON table (UTF-8).</summary>
    public async Task<ArrayBufferWriter<byte>> RunAsync(string sqlPath, IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        // A read-only transaction (the dashboard never writes), without JIT: compiling a plan costs seconds here, far
        // more than any of these queries takes to run. The settings end with the transaction.
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = (int)Timeout.TotalSeconds };
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
        var query = new NpgsqlBatchCommand(Sql.Load(sqlPath));
        foreach (var parameter in parameters) query.Parameters.Add(parameter);
        batch.BatchCommands.Add(query);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(4096);
        await using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteStartArray("columns");
        var columns = await reader.GetColumnSchemaAsync(cancellationToken);
        var kinds = new ColumnKind[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            kinds[i] = KindOf(reader.GetFieldType(i), reader.GetDataTypeName(i));
            json.WriteStartObject();
            json.WriteString("name", columns[i].ColumnName);
            json.WriteString("type", (kinds[i] == ColumnKind.Bytes ? ColumnKind.Text : kinds[i]).ToString().ToLowerInvariant());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("rows");
        while (await reader.ReadAsync(cancellationToken))
        {
            json.WriteStartArray();
            for (var i = 0; i < kinds.Length; i++) WriteValue(json, reader, i, kinds[i]);
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return buffer;
    }

    /// <summary>A parameter that may be null, typed so PostgreSQL knows what the null is.</summary>
    public static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private enum ColumnKind { Text, Number, Boolean, Date, Timestamp, Json, Bytes }

    private static ColumnKind KindOf(Type type, string dataTypeName) =>
        dataTypeName is "json" or "jsonb" ? ColumnKind.Json
        : type == typeof(byte[]) ? ColumnKind.Bytes
        : type == typeof(bool) ? ColumnKind.Boolean
        : type == typeof(DateOnly) || dataTypeName == "date" ? ColumnKind.Date
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? ColumnKind.Timestamp
        : type == typeof(short) || type == typeof(int) || type == typeof(long) || type == typeof(float) || type == typeof(double) || type == typeof(decimal)
            ? ColumnKind.Number
            : ColumnKind.Text;

    private static void WriteValue(Utf8JsonWriter json, DbDataReader reader, int i, ColumnKind kind)
    {
        if (reader.IsDBNull(i))
        {
            json.WriteNullValue();
            return;
        }

        switch (kind)
        {
            case ColumnKind.Number:
                var number = reader.GetValue(i);
                switch (number)
                {
                    case double d when !double.IsFinite(d): json.WriteNullValue(); break;
                    case float f when !float.IsFinite(f): json.WriteNullValue(); break;
                    default: json.WriteRawValue(Convert.ToString(number, CultureInfo.InvariantCulture)!, skipInputValidation: true); break;
                }

                break;
            case ColumnKind.Boolean:
                json.WriteBooleanValue(reader.GetBoolean(i));
                break;
            case ColumnKind.Date:
                json.WriteStringValue(reader.GetFieldValue<DateOnly>(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Timestamp:
                var at = reader.GetFieldValue<DateTime>(i);
                json.WriteStringValue(DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Json:
                json.WriteRawValue(reader.GetString(i));
                break;
            case ColumnKind.Bytes:
                // Raw messages as received: shown as UTF-8 text, an invalid byte as U+FFFD (the column's type says "text").
                json.WriteStringValue(Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(i)));
                break;
            default:
                json.WriteStringValue(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                break;
        }
    }
}
