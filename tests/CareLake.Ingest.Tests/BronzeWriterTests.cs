using CareLake.Ingest.Bronze;
using CareLake.Testing;
using Npgsql;

namespace CareLake.Ingest.Tests;

public class BronzeWriterTests
{
    [Fact]
    public async Task Messages_land_byte_for_byte_with_their_source_position_key_and_headers()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(BronzeWriterTests));
        var received = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        byte[] notUtf8 = [0x7B, 0xFF, 0xFE, 0x00, 0x7D];
        var messages = new[]
        {
            new RawMessage("kafka", "patient_vitals", 3, 41, "MRN1"u8.ToArray(), ["trace", "empty"], ["abc"u8.ToArray(), null], "{\"a\": 1}"u8.ToArray(), received.AddSeconds(-1), received),
            new RawMessage("kafka", "patient_vitals", 3, 42, null, null, null, notUtf8, null, received),
        };

        long[] ids;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            ids = await BronzeWriter.WriteAsync(connection, messages, CancellationToken.None);
            await tx.CommitAsync();
        }

        Assert.Equal(2, ids.Distinct().Count());
        var rows = await Sql.RowsAsync(connectionString,
            "SELECT id, source, stream, partition, position, message_key, header_keys, header_values, payload, message_timestamp, received_at FROM bronze.raw_events ORDER BY position");
        Assert.Equal(ids[0], rows[0][0]);
        Assert.Equal(("kafka", "patient_vitals", 3, 41L), ((string)rows[0][1]!, (string)rows[0][2]!, (int)rows[0][3]!, (long)rows[0][4]!));
        Assert.Equal("MRN1"u8.ToArray(), rows[0][5]);
        Assert.Equal(["trace", "empty"], (string[])rows[0][6]!);
        var headerValues = (byte[]?[])rows[0][7]!;
        Assert.Equal("abc"u8.ToArray(), headerValues[0]);
        Assert.Null(headerValues[1]);
        Assert.Equal("{\"a\": 1}"u8.ToArray(), rows[0][8]);
        Assert.Equal(received.AddSeconds(-1).UtcDateTime, rows[0][9]);
        Assert.Null(rows[1][5]);
        Assert.Null(rows[1][6]);
        Assert.Equal(notUtf8, rows[1][8]); // kept exactly, even though it is not text
        Assert.Null(rows[1][9]);
    }
}
