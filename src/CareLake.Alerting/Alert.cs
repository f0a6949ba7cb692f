using System.Globalization;
using System.Text.Json.Nodes;

namespace CareLake.Alerting;

/// <summary>Where a dispatched item comes from.</summary>
public enum AlertSource
{
    /// <summary><c>silver.clinical_alerts</c>: NEWS2 high or a red score.</summary>
    Clinical,

    /// <summary><c>ops.operational_alerts</c>: something about the pipeline itself.</summary>
    Operational,

    /// <summary><c>ops.pipeline_events</c>: a stage of a run started, succeeded or failed (published, never paged).</summary>
    Pipeline,
}

/// <summary>
/// One alert (or pipeline event) as the dispatcher delivers it. <see cref="Key"/> (<c>clinical-42</c>,
/// <c>operational-7</c>, <c>pipeline-9</c>) is its identity everywhere: the Kafka message key and <c>alert_id</c>,
/// the delivery records, the webhook's structured fields.
/// </summary>
public sealed record Alert(
    AlertSource Source,
    long Id,
    string Kind,
    string Severity,
    string? PatientId,
    string? EncounterId,
    string Reason,
    DateTimeOffset RaisedAt,
    string DedupeKey,
    JsonObject Link,
    JsonObject? Details = null)
{
    public string Key => SourceName(Source) + "-" + Id.ToString(CultureInfo.InvariantCulture);

    public bool IsClinical => Source == AlertSource.Clinical;

    public static string SourceName(AlertSource source) => source switch
    {
        AlertSource.Clinical => "clinical",
        AlertSource.Operational => "operational",
        _ => "pipeline",
    };

    /// <summary>Reads a <see cref="Key"/> back into its source and id; false for anything else.</summary>
    public static bool TryParseKey(string key, out AlertSource source, out long id)
    {
        ArgumentNullException.ThrowIfNull(key);
        source = AlertSource.Clinical;
        id = 0;
        var dash = key.LastIndexOf('-');
        if (dash <= 0 || !long.TryParse(key.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out id)) return false;
        switch (key[..dash])
        {
            case "clinical": source = AlertSource.Clinical; return true;
            case "operational": source = AlertSource.Operational; return true;
            case "pipeline": source = AlertSource.Pipeline; return true;
            default: return false;
        }
    }

    /// <summary>The message on <c>carelake.alerts</c> (or <c>carelake.pipeline_events</c>), per the event contracts.</summary>
    public JsonObject ToKafkaJson()
    {
        var json = new JsonObject
        {
            ["alert_id"] = Key,
            ["kind"] = Kind,
            ["severity"] = Severity,
        };
        if (Source == AlertSource.Pipeline)
        {
            json.Remove("alert_id");
            json["event_id"] = Key;
        }

        if (IsClinical)
        {
            json["patient_id"] = PatientId;
            json["encounter_id"] = EncounterId;
        }

        json["raised_at"] = RaisedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        json["reason"] = Reason;
        json["source"] = Link.DeepClone();
        if (Details is not null)
        {
            foreach (var (name, value) in Details) json[name] = value?.DeepClone();
        }

        return json;
    }

    /// <summary>
    /// The Slack-compatible webhook body: <c>text</c> for people, then the structured fields. No patient name ever; the
    /// MRN (<c>patient_id</c>) only in the structured fields of a clinical alert, as the contract has it.
    /// </summary>
    public JsonObject ToWebhookJson()
    {
        var text = $"[{Severity.ToUpperInvariant()}] {Kind}: {Reason} ({Key})";
        var json = new JsonObject { ["text"] = text };
        foreach (var (name, value) in ToKafkaJson()) json[name] = value?.DeepClone();
        return json;
    }
}
