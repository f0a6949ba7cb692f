using CareLake.Core.Records;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Silver;

/// <summary>
/// A silver table of one record kind, keyed by event_id: its COPY statement and how a record fills a row. Every such
/// table starts with (event_id, bronze_id, source) and ends with processed_at; the columns between are the kind's own.
/// </summary>
internal sealed class RecordTable<T>(string name, string columns, Action<NpgsqlBinaryImporter, T> writeColumns) where T : ClinicalRecord
{
    private readonly string _copy = $"COPY silver.{name} (event_id, bronze_id, source, {columns}, processed_at) FROM STDIN (FORMAT BINARY)";

    public string Name => name;

    /// <summary>The event_ids of <paramref name="eventIds"/> this table already holds, with the bronze row each came from.</summary>
    public async Task<Dictionary<string, long>> ExistingAsync(NpgsqlConnection connection, IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand($"SELECT event_id, bronze_id FROM silver.{name} WHERE event_id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found[reader.GetString(0)] = reader.GetInt64(1);
        return found;
    }

    // Synchronous row writes: they only fill Npgsql's buffer, and the async overloads cost more per field than the copy itself.
    public async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<(int Index, T Record)> rows, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        using var w = await connection.BeginBinaryImportAsync(_copy, cancellationToken);
        foreach (var (index, record) in rows)
        {
            w.StartRow();
            w.Write(record.EventId, NpgsqlDbType.Text);
            w.Write(bronzeIds[index], NpgsqlDbType.Bigint);
            w.Write(record.Source, NpgsqlDbType.Text);
            writeColumns(w, record);
            w.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        await w.CompleteAsync(cancellationToken);
    }
}

/// <summary>The silver tables of the record kinds other than vital signs (which have their own writer, with NEWS2 and alerts).</summary>
internal static class RecordTables
{
    public static readonly RecordTable<PatientRecord> Patients = new("patient_records",
        "patient_id, source_system, occurred_at, given_name, family_name, birth_date, death_date, sex, race, ethnicity, marital_status, " +
        "language, phone, ssn, address_line1, city, state, postal_code, country",
        (w, r) =>
        {
            w.WriteText(r.PatientId);
            w.WriteText(r.SourceSystem);
            w.WriteTimestamp(r.OccurredAt);
            w.WriteText(r.GivenName);
            w.WriteText(r.FamilyName);
            w.WriteDate(r.BirthDate);
            w.WriteDate(r.DeathDate);
            w.WriteText(r.Sex);
            w.WriteText(r.Race);
            w.WriteText(r.Ethnicity);
            w.WriteText(r.MaritalStatus);
            w.WriteText(r.Language);
            w.WriteText(r.Phone);
            w.WriteText(r.Ssn);
            w.WriteText(r.AddressLine1);
            w.WriteText(r.City);
            w.WriteText(r.State);
            w.WriteText(r.PostalCode);
            w.WriteText(r.Country);
        });

    public static readonly RecordTable<EncounterRecord> AdtEvents = new("adt_events",
        "encounter_id, patient_id, action, occurred_at, class_received, class, facility_id, unit, room, bed, admit_source, admitted_at, " +
        "discharged_at, disposition, disposition_received, attending_provider_id, status, description, source_system",
        (w, r) =>
        {
            w.WriteText(r.EncounterId);
            w.WriteText(r.PatientId);
            w.WriteText(r.Action.Code());
            w.WriteTimestamp(r.OccurredAt);
            w.WriteText(r.ClassReceived);
            w.WriteText(r.Class);
            w.WriteText(r.FacilityId);
            w.WriteText(r.Unit);
            w.WriteText(r.Room);
            w.WriteText(r.Bed);
            w.WriteText(r.AdmitSource);
            w.WriteTimestamp(r.AdmittedAt);
            w.WriteTimestamp(r.DischargedAt);
            w.WriteText(r.Disposition);
            w.WriteText(r.DispositionReceived);
            w.WriteText(r.AttendingProviderId);
            w.WriteText(r.Status);
            w.WriteText(r.Description);
            w.WriteText(r.SourceSystem);
        });

    public static readonly RecordTable<DiagnosisRecord> Diagnoses = new("diagnoses",
        "patient_id, encounter_id, code_system, code, code_undotted, code_dotted, description, rank, present_on_admission, diagnosed_at, " +
        "resolved_at, clinical_status, source_system, occurred_at",
        (w, r) =>
        {
            var icd = r.CodeSystem == CodeSystems.Icd10Cm;
            w.WriteText(r.PatientId);
            w.WriteText(r.EncounterId);
            w.WriteText(r.CodeSystem);
            w.WriteText(r.Code);
            w.WriteText(icd ? IcdCodes.Undotted(r.Code) : r.Code);
            w.WriteText(icd ? IcdCodes.Dotted(r.Code) : null);
            w.WriteText(r.Description);
            w.WriteInteger(r.Rank);
            w.WriteText(r.PresentOnAdmission);
            w.WriteTimestamp(r.DiagnosedAt);
            w.WriteTimestamp(r.ResolvedAt);
            w.WriteText(r.ClinicalStatus);
            w.WriteText(r.SourceSystem);
            w.WriteTimestamp(r.OccurredAt);
        });

    public static readonly RecordTable<ProcedureRecord> Procedures = new("procedures",
        "patient_id, encounter_id, code_system, code, description, performed_at, performed_end_at, status, source_system, occurred_at",
        (w, r) =>
        {
            w.WriteText(r.PatientId);
            w.WriteText(r.EncounterId);
            w.WriteText(r.CodeSystem);
            w.WriteText(r.Code);
            w.WriteText(r.Description);
            w.WriteTimestamp(r.PerformedAt);
            w.WriteTimestamp(r.PerformedEndAt);
            w.WriteText(r.Status);
            w.WriteText(r.SourceSystem);
            w.WriteTimestamp(r.OccurredAt);
        });

    public static readonly RecordTable<LabResultRecord> LabResults = new("lab_results",
        "patient_id, encounter_id, loinc_code, test_name, value_numeric, value_text, unit, reference_low, reference_high, abnormal_flag, " +
        "specimen_collected_at, resulted_at, status, source_system, occurred_at",
        (w, r) =>
        {
            w.WriteText(r.PatientId);
            w.WriteText(r.EncounterId);
            w.WriteText(r.LoincCode);
            w.WriteText(r.TestName);
            w.WriteNumber(r.ValueNumeric);
            w.WriteText(r.ValueText);
            w.WriteText(r.Unit);
            w.WriteNumber(r.ReferenceLow);
            w.WriteNumber(r.ReferenceHigh);
            w.WriteText(r.AbnormalFlag);
            w.WriteTimestamp(r.SpecimenCollectedAt);
            w.WriteTimestamp(r.ResultedAt);
            w.WriteText(r.Status);
            w.WriteText(r.SourceSystem);
            w.WriteTimestamp(r.OccurredAt);
        });

    public static readonly RecordTable<EhrAccessRecord> EhrAccess = new("ehr_access",
        "patient_id, user_id, user_role, action, resource_type, resource_id, workstation, source_ip, outcome, source_system, occurred_at",
        (w, r) =>
        {
            w.WriteText(r.PatientId);
            w.WriteText(r.UserId);
            w.WriteText(r.UserRole);
            w.WriteText(r.Action);
            w.WriteText(r.ResourceType);
            w.WriteText(r.ResourceId);
            w.WriteText(r.Workstation);
            w.WriteText(r.SourceIp);
            w.WriteText(r.Outcome);
            w.WriteText(r.SourceSystem);
            w.WriteTimestamp(r.OccurredAt);
        });
}
