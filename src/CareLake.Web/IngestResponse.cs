using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using CareLake.Streaming.Acknowledged;
using CareLake.Warehouse.Silver;

namespace CareLake.Web;

/// <summary>What became of a record in silver.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IngestStatus>))]
public enum IngestStatus
{
    /// <summary>Landed in its silver table(s).</summary>
    [JsonStringEnumMemberName("stored")]
    Stored,

    /// <summary>Its event id was already in silver: counted as a repeat, not a new fact.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>Refused with a reason (<c>silver.quarantine</c>); bronze keeps it for replay.</summary>
    [JsonStringEnumMemberName("quarantined")]
    Quarantined,

    /// <summary>Kept in bronze but typed into no silver table (yet).</summary>
    [JsonStringEnumMemberName("unsupported")]
    Unsupported,
}

/// <summary>One record of the request, in request order.</summary>
public sealed record IngestRecordResponse(
    [property: JsonPropertyName("index"), Description("Position of the record in the request, from 0.")] int Index,
    [property: JsonPropertyName("status")] IngestStatus Status,
    [property: JsonPropertyName("bronze_id"), Description("Where bronze holds the record as sent (bronze.raw_events.id).")] long BronzeId,
    [property: JsonPropertyName("event_id"), Description("The record's event id, when silver reports one.")] string? EventId,
    [property: JsonPropertyName("reason"), Description("Why it was quarantined (a reason code such as missing_field).")] string? Reason,
    [property: JsonPropertyName("message"), Description("What was wrong, for a person.")] string? Message);

/// <summary>The answer to an ingest request, sent only once its records are durably committed.</summary>
public sealed record IngestResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<IngestRecordResponse> Results,
    [property: JsonPropertyName("stored")] int Stored,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("quarantined")] int Quarantined,
    [property: JsonPropertyName("unsupported")] int Unsupported)
{
    public static IngestResponse Of(IReadOnlyList<IngestResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var records = new IngestRecordResponse[results.Count];
        var counts = new int[4];
        for (var i = 0; i < records.Length; i++)
        {
            var (bronzeId, silver) = results[i];
            var status = StatusOf(silver.Fate);
            counts[(int)status]++;
            records[i] = new IngestRecordResponse(i, status, bronzeId, silver.EventId, silver.ReasonCode, silver.Message);
        }

        return new IngestResponse(records, counts[0], counts[1], counts[2], counts[3]);
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, WebJsonContext.Default.IngestResponse);

    private static IngestStatus StatusOf(RecordFate fate) => fate switch
    {
        RecordFate.Stored => IngestStatus.Stored,
        RecordFate.Duplicate => IngestStatus.Duplicate,
        RecordFate.Quarantined => IngestStatus.Quarantined,
        _ => IngestStatus.Unsupported,
    };
}

[JsonSerializable(typeof(IngestResponse))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
