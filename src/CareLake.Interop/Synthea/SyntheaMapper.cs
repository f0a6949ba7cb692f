using System.Text;
using System.Text.Unicode;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;

namespace CareLake.Interop.Synthea;

/// <summary>
/// Maps the bronze records of a Synthea CSV import (<see cref="SyntheaCsvReader"/>) onto clinical records:
/// patients → <see cref="PatientRecord"/>, encounters → <see cref="EncounterRecord"/> snapshots, conditions →
/// <see cref="DiagnosisRecord"/>, procedures → <see cref="ProcedureRecord"/>, a set of vital signs →
/// <see cref="VitalSignsRecord"/> and a laboratory observation → <see cref="LabResultRecord"/>. Each payload is read
/// with the header line it carries under <see cref="SyntheaLayouts.HeaderKey"/>. Malformed rows become rejections
/// naming the column; the mapping is deterministic (no wall-clock time).
/// </summary>
/// <param name="source">The id namespace of the records (<see cref="RecordSources.Synthea"/>).</param>
/// <param name="vitalSigns">The checks every vital-sign set passes; the adult limits by default.</param>
public sealed class SyntheaMapper(string source = RecordSources.Synthea, VitalSignsParser? vitalSigns = null) : IRecordMapper
{
    private readonly VitalSignsParser _vitalSigns = vitalSigns ?? new VitalSignsParser();
    private volatile ParsedHeader? _lastHeader;

    public ParseResult<MappedMessage> Map(in MessageContext message)
    {
        if (SyntheaLayouts.FromStream(message.Stream) is not { } kind)
        {
            return MappedMessage.Skip($"stream '{message.Stream}' is not one CareLake imports from Synthea (patients, encounters, conditions, procedures, observations)");
        }

        var payload = message.Payload.Span;
        var contentId = $"synthea/{SyntheaLayouts.Name(kind)}/{RecordIds.ContentHash(payload)}";
        if (!Utf8.IsValid(payload))
        {
            return new Rejection(RejectionReason.InvalidUtf8, "the row is not valid UTF-8", null, contentId);
        }

        if (Columns(message.Header(SyntheaLayouts.HeaderKey)) is not { } columns)
        {
            return new Rejection(RejectionReason.MissingField, $"the record carries no CSV header line ({SyntheaLayouts.HeaderKey})", SyntheaLayouts.HeaderKey, contentId);
        }

        var records = CsvText.Records(Encoding.UTF8.GetString(payload));
        var eventId = EventId(kind, columns, records, payload);
        if (records.Count == 0)
        {
            return new Rejection(RejectionReason.InvalidValue, "the record holds no CSV row", null, eventId);
        }

        foreach (var fields in records)
        {
            if (fields.Length != columns.Count)
            {
                return new Rejection(RejectionReason.InvalidValue, $"a row has {fields.Length} fields but the header has {columns.Count} columns", null, eventId);
            }
        }

        var rows = records.Select(fields => new SyntheaRow(columns, fields, eventId)).ToList();
        if (kind != SyntheaFileKind.Observations && rows.Count > 1)
        {
            return new Rejection(RejectionReason.InvalidValue, $"a {SyntheaLayouts.Name(kind)} record is one row, not {rows.Count}", null, eventId);
        }

        return kind switch
        {
            SyntheaFileKind.Patients => Patient(rows[0], eventId),
            SyntheaFileKind.Encounters => Encounter(rows[0], eventId),
            SyntheaFileKind.Conditions => Condition(rows[0], eventId),
            SyntheaFileKind.Procedures => Procedure(rows[0], eventId),
            _ => Observations(rows, eventId, message.ReceivedAt),
        };
    }

    /// <summary>
    /// Silver's dedupe key: <c>synthea/{kind}/{Id}#{content hash}</c> for rows with an Id (patients, encounters), so a
    /// changed row of the same id is a new fact; <c>synthea/{kind}/{content hash}</c> for the others.
    /// </summary>
    private static string EventId(SyntheaFileKind kind, SyntheaColumns columns, List<string[]> records, ReadOnlySpan<byte> payload)
    {
        var hash = RecordIds.ContentHash(payload);
        var id = kind is SyntheaFileKind.Patients or SyntheaFileKind.Encounters && records.Count == 1 && columns.IndexOf("Id") is { } i && i < records[0].Length
            ? records[0][i]
            : null;
        return string.IsNullOrWhiteSpace(id)
            ? $"synthea/{SyntheaLayouts.Name(kind)}/{hash}"
            : $"synthea/{SyntheaLayouts.Name(kind)}/{id}#{hash}";
    }

    private ParseResult<MappedMessage> Patient(SyntheaRow row, string eventId)
    {
        var id = row.Text("Id", required: true);
        var birthDate = row.Date("BIRTHDATE", required: true);
        var deathDate = row.Date("DEATHDATE");
        if (row.Failed) return row.Rejection!;

        return MappedMessage.Of(new PatientRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = new DateTimeOffset(birthDate!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            PatientId = id,
            GivenName = row.Text("FIRST"),
            FamilyName = row.Text("LAST"),
            BirthDate = birthDate,
            DeathDate = deathDate,
            Sex = Sex(row.Text("GENDER")),
            Race = row.Text("RACE"),
            Ethnicity = row.Text("ETHNICITY"),
            MaritalStatus = row.Text("MARITAL"),
            Ssn = row.Text("SSN"),
            AddressLine1 = row.Text("ADDRESS"),
            City = row.Text("CITY"),
            State = row.Text("STATE"),
            PostalCode = row.Text("ZIP"),
            Country = "US",
        });
    }

    private static string Sex(string? gender) => gender?.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => "male",
        "F" or "FEMALE" => "female",
        "O" or "OTHER" => "other",
        _ => "unknown",
    };

    private ParseResult<MappedMessage> Encounter(SyntheaRow row, string eventId)
    {
        var id = row.Text("Id", required: true);
        var start = row.Instant("START", required: true);
        var stop = row.Instant("STOP");
        var patient = row.Text("PATIENT", required: true);
        if (!row.Failed && stop < start)
        {
            row.Fail(RejectionReason.InconsistentValues, $"STOP {stop:O} lies before START {start:O}", "STOP");
        }

        if (row.Failed) return row.Rejection!;

        var received = row.Text("ENCOUNTERCLASS");
        return MappedMessage.Of(new EncounterRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = stop ?? start!.Value,
            PatientId = patient,
            EncounterId = id,
            Action = AdtAction.Snapshot,
            ClassReceived = received,
            Class = EncounterClasses.Normalize(received),
            AdmittedAt = start,
            DischargedAt = stop,
            FacilityId = row.Text("ORGANIZATION"),
            AttendingProviderId = row.Text("PROVIDER"),
            Description = row.Text("DESCRIPTION"),
            Status = stop is null ? null : "finished",
        });
    }

    private ParseResult<MappedMessage> Condition(SyntheaRow row, string eventId)
    {
        var start = row.Instant("START", required: true);
        var stop = row.Instant("STOP");
        var patient = row.Text("PATIENT", required: true);
        var code = row.Text("CODE", required: true);
        if (row.Failed) return row.Rejection!;

        return MappedMessage.Of(new DiagnosisRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = start!.Value,
            PatientId = patient,
            EncounterId = row.Text("ENCOUNTER"),
            CodeSystem = CodeSystem(row),
            Code = code!.Trim(),
            Description = row.Text("DESCRIPTION"),
            DiagnosedAt = start,
            ResolvedAt = stop,
        });
    }

    private ParseResult<MappedMessage> Procedure(SyntheaRow row, string eventId)
    {
        var performedAt = row.Instant(row.HasColumn("START") ? "START" : "DATE", required: true);
        var performedEndAt = row.Instant("STOP");
        var patient = row.Text("PATIENT", required: true);
        var code = row.Text("CODE", required: true);
        if (row.Failed) return row.Rejection!;

        return MappedMessage.Of(new ProcedureRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = performedAt!.Value,
            PatientId = patient,
            EncounterId = row.Text("ENCOUNTER"),
            CodeSystem = CodeSystem(row),
            Code = code!.Trim(),
            Description = row.Text("DESCRIPTION"),
            PerformedAt = performedAt.Value,
            PerformedEndAt = performedEndAt,
            Status = "completed",
        });
    }

    /// <summary>The SYSTEM column's code system when the export has one; Synthea codes conditions and procedures in SNOMED CT otherwise.</summary>
    private static string CodeSystem(SyntheaRow row) =>
        row.Text("SYSTEM") is { } system ? CodeSystems.FromUri(system.Trim()) : CodeSystems.SnomedCt;

    private ParseResult<MappedMessage> Observations(List<SyntheaRow> rows, string eventId, DateTimeOffset receivedAt)
    {
        var first = rows[0];
        var category = first.HasColumn("CATEGORY") ? first.Text("CATEGORY") ?? "" : null;
        if (SyntheaVitalCodes.IsVitalSign(category, first.Text("CODE")))
        {
            return SyntheaVitalSigns.Map(rows, eventId, source, _vitalSigns, receivedAt);
        }

        if (rows.Count > 1)
        {
            return new Rejection(RejectionReason.InvalidValue, $"only vital signs are grouped; an observation record that is not one is one row, not {rows.Count}", null, eventId);
        }

        return category switch
        {
            null => MappedMessage.Skip("observations without a CATEGORY column: only vital signs are imported, since laboratory results cannot be told from other observations"),
            "" => MappedMessage.Skip("observation without a category (e.g. QALY, DALY, QOLS): not imported"),
            _ when string.Equals(category.Trim(), SyntheaVitalCodes.LaboratoryCategory, StringComparison.OrdinalIgnoreCase) => LabResult(first, eventId),
            _ => MappedMessage.Skip($"{SyntheaRow.Truncate(category.Trim())} observations are not imported (only vital signs and laboratory results)"),
        };
    }

    private ParseResult<MappedMessage> LabResult(SyntheaRow row, string eventId)
    {
        var at = row.Instant("DATE", required: true);
        var patient = row.Text("PATIENT", required: true);
        var code = row.Text("CODE", required: true);
        var value = row.Text("VALUE", required: true);
        var type = row.Text("TYPE")?.Trim();
        decimal? number = null;
        if (value is not null)
        {
            var isNumber = SyntheaRow.TryParseNumber(value, out var parsed);
            if (string.Equals(type, "numeric", StringComparison.OrdinalIgnoreCase) && !isNumber)
            {
                row.Fail(RejectionReason.WrongType, $"VALUE of a numeric observation must be a number; got '{SyntheaRow.Truncate(value)}'", "VALUE");
            }

            if (isNumber && (type is null || string.Equals(type, "numeric", StringComparison.OrdinalIgnoreCase))) number = parsed;
        }

        if (row.Failed) return row.Rejection!;

        return MappedMessage.Of(new LabResultRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = at!.Value,
            PatientId = patient,
            EncounterId = row.Text("ENCOUNTER"),
            LoincCode = code!.Trim(),
            TestName = row.Text("DESCRIPTION"),
            ValueNumeric = number,
            ValueText = number is null ? value : null,
            Unit = row.Text("UNITS"),
            SpecimenCollectedAt = at,
            ResultedAt = at,
            Status = "final",
        });
    }

    /// <summary>The columns of a header line, parsed once per distinct header (a file's records all carry the same one).</summary>
    private SyntheaColumns? Columns(string? header)
    {
        if (header is null) return null;
        if (_lastHeader is { } last && string.Equals(last.Header, header, StringComparison.Ordinal)) return last.Columns;
        var columns = SyntheaColumns.Parse(header);
        if (columns is not null) _lastHeader = new ParsedHeader(header, columns);
        return columns;
    }

    private sealed record ParsedHeader(string Header, SyntheaColumns Columns);
}
