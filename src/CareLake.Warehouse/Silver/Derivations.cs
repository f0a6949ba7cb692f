using CareLake.Core.Records;
using CareLake.Core.Records.History;
using CareLake.Warehouse.Gold;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Silver;

/// <summary>Shared steps of the silver tables derived from other silver tables, inside the batch transaction.</summary>
internal static class Derivation
{
    /// <summary>Holds, until the transaction ends, the derived rows of these keys (Silver/lock_derived_rows.sql).</summary>
    public static async Task LockAsync(NpgsqlConnection connection, string table, string idColumn, IReadOnlyCollection<(string Source, string Id)> keys, CancellationToken cancellationToken)
    {
        var sql = SqlResources.Warehouse.Load("Silver/lock_derived_rows.sql").Replace("{table}", table, StringComparison.Ordinal).Replace("{id_column}", idColumn, StringComparison.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        AddKeys(command, keys);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddKeys(NpgsqlCommand command, IReadOnlyCollection<(string Source, string Id)> keys)
    {
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Id).ToArray() });
    }

    /// <summary>Deletes the derived rows of the keys from each table (columns <c>source</c> and <paramref name="idColumn"/>).</summary>
    public static async Task DeleteAsync(NpgsqlConnection connection, IReadOnlyCollection<(string Source, string Id)> keys, string idColumn, CancellationToken cancellationToken, params string[] tables)
    {
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"DELETE FROM {table} t USING unnest($1::text[], $2::text[]) AS k(source, id) WHERE t.source = k.source AND t.{idColumn} = k.id", connection);
            AddKeys(command, keys);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sqlFile, IReadOnlyCollection<(string Source, string Id)> keys, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load(sqlFile), connection);
        AddKeys(command, keys);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }

    public static string? Text(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static DateTimeOffset? Timestamp(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
    public static DateOnly? Date(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}

/// <summary>
/// Re-derives <c>silver.encounters</c> and <c>silver.encounter_locations</c> for the encounters a batch touched, from all
/// of each encounter's ADT records (<see cref="EncounterHistory"/>), so a late or cancelled event lands where it belongs.
/// </summary>
internal static class EncounterDerivation
{
    private const string CopyEncounters = """
        COPY silver.encounters (source, encounter_id, patient_id, status, class_received, class, facility_id, unit, room, bed,
            admit_source, admitted_at, discharged_at, disposition, disposition_received, attending_provider_id, description,
            first_event_at, last_event_at, event_count, last_event_id, updated_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyLocations = """
        COPY silver.encounter_locations (source, encounter_id, sequence, patient_id, unit, room, bed, started_at, ended_at)
        FROM STDIN (FORMAT BINARY)
        """;

    public static async Task RefreshAsync(NpgsqlConnection connection, IEnumerable<(string Source, string EncounterId)> touched, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = touched.Distinct().ToList();
        if (keys.Count == 0) return;
        await Derivation.LockAsync(connection, "silver.encounters", "encounter_id", keys, cancellationToken);
        var records = await Derivation.ReadAsync(connection, "Silver/adt_events_of_encounters.sql", keys, ReadRecord, cancellationToken);
        var derived = records.GroupBy(r => (r.Source, r.EncounterId!)).Select(g => EncounterHistory.Derive(g)).ToList();
        await Derivation.DeleteAsync(connection, keys, "encounter_id", cancellationToken, "silver.encounter_locations", "silver.encounters");

        using (var w = await connection.BeginBinaryImportAsync(CopyEncounters, cancellationToken))
        {
            foreach (var (e, _) in derived)
            {
                w.StartRow();
                w.Write(e.Source, NpgsqlDbType.Text);
                w.Write(e.EncounterId, NpgsqlDbType.Text);
                w.WriteText(e.PatientId);
                w.Write(e.Status, NpgsqlDbType.Text);
                w.WriteText(e.ClassReceived);
                w.WriteText(e.Class);
                w.WriteText(e.FacilityId);
                w.WriteText(e.Unit);
                w.WriteText(e.Room);
                w.WriteText(e.Bed);
                w.WriteText(e.AdmitSource);
                w.WriteTimestamp(e.AdmittedAt);
                w.WriteTimestamp(e.DischargedAt);
                w.WriteText(e.Disposition);
                w.WriteText(e.DispositionReceived);
                w.WriteText(e.AttendingProviderId);
                w.WriteText(e.Description);
                w.WriteTimestamp(e.FirstEventAt);
                w.WriteTimestamp(e.LastEventAt);
                w.Write(e.EventCount, NpgsqlDbType.Integer);
                w.Write(e.LastEventId, NpgsqlDbType.Text);
                w.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            }

            await w.CompleteAsync(cancellationToken);
        }

        using (var w = await connection.BeginBinaryImportAsync(CopyLocations, cancellationToken))
        {
            foreach (var (e, locations) in derived)
            {
                foreach (var stay in locations)
                {
                    w.StartRow();
                    w.Write(e.Source, NpgsqlDbType.Text);
                    w.Write(e.EncounterId, NpgsqlDbType.Text);
                    w.Write(stay.Sequence, NpgsqlDbType.Integer);
                    w.WriteText(e.PatientId);
                    w.Write(stay.Unit, NpgsqlDbType.Text);
                    w.WriteText(stay.Room);
                    w.WriteText(stay.Bed);
                    w.WriteTimestamp(stay.StartedAt);
                    w.WriteTimestamp(stay.EndedAt);
                }
            }

            await w.CompleteAsync(cancellationToken);
        }
    }

    private static EncounterRecord ReadRecord(NpgsqlDataReader r) => new()
    {
        EventId = r.GetString(0),
        Source = r.GetString(1),
        EncounterId = r.GetString(2),
        PatientId = r.Text(3),
        Action = AdtActionCodes.FromCode(r.GetString(4)) ?? throw new InvalidOperationException($"silver.adt_events holds an unknown action '{r.GetString(4)}'"),
        OccurredAt = r.GetFieldValue<DateTimeOffset>(5),
        ClassReceived = r.Text(6),
        Class = r.Text(7),
        FacilityId = r.Text(8),
        Unit = r.Text(9),
        Room = r.Text(10),
        Bed = r.Text(11),
        AdmitSource = r.Text(12),
        AdmittedAt = r.Timestamp(13),
        DischargedAt = r.Timestamp(14),
        Disposition = r.Text(15),
        DispositionReceived = r.Text(16),
        AttendingProviderId = r.Text(17),
        Status = r.Text(18),
        Description = r.Text(19),
        SourceSystem = r.Text(20),
    };
}

/// <summary>
/// Re-derives <c>silver.patient_versions</c> and <c>silver.patients</c> for the patients a batch touched, from all of each
/// patient's demographic records (<see cref="PatientHistory"/>).
/// </summary>
internal static class PatientDerivation
{
    private const string Columns = "given_name, family_name, birth_date, death_date, sex, race, ethnicity, marital_status, language, phone, ssn, address_line1, city, state, postal_code, country";

    public static async Task RefreshAsync(NpgsqlConnection connection, IEnumerable<PatientKey> touched, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = touched.Distinct().Select(k => (k.Source, k.PatientId)).ToList();
        if (keys.Count == 0) return;
        await Derivation.LockAsync(connection, "silver.patients", "patient_id", keys, cancellationToken);
        var records = await Derivation.ReadAsync(connection, "Silver/patient_records_of_patients.sql", keys, ReadRecord, cancellationToken);
        var histories = records.GroupBy(r => (r.Source, r.PatientId!)).Select(g => (Key: g.Key, Versions: PatientHistory.Derive(g))).ToList();
        await Derivation.DeleteAsync(connection, keys, "patient_id", cancellationToken, "silver.patient_versions", "silver.patients");

        using (var w = await connection.BeginBinaryImportAsync($"COPY silver.patient_versions (source, patient_id, version, valid_from, valid_to, event_id, {Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, versions) in histories)
            {
                foreach (var v in versions)
                {
                    w.StartRow();
                    w.Write(key.Source, NpgsqlDbType.Text);
                    w.Write(key.Item2, NpgsqlDbType.Text);
                    w.Write(v.VersionNumber, NpgsqlDbType.Integer);
                    w.WriteTimestamp(v.ValidFrom);
                    w.WriteTimestamp(v.ValidTo);
                    w.Write(v.EventId, NpgsqlDbType.Text);
                    WriteDemographics(w, v.Record);
                }
            }

            await w.CompleteAsync(cancellationToken);
        }

        using (var w = await connection.BeginBinaryImportAsync($"COPY silver.patients (source, patient_id, version, valid_from, {Columns}, updated_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, versions) in histories)
            {
                var current = versions[^1];
                w.StartRow();
                w.Write(key.Source, NpgsqlDbType.Text);
                w.Write(key.Item2, NpgsqlDbType.Text);
                w.Write(current.VersionNumber, NpgsqlDbType.Integer);
                w.WriteTimestamp(current.ValidFrom);
                WriteDemographics(w, current.Record);
                w.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            }

            await w.CompleteAsync(cancellationToken);
        }
    }

    private static void WriteDemographics(NpgsqlBinaryImporter w, PatientRecord v)
    {
        w.WriteText(v.GivenName);
        w.WriteText(v.FamilyName);
        w.WriteDate(v.BirthDate);
        w.WriteDate(v.DeathDate);
        w.WriteText(v.Sex);
        w.WriteText(v.Race);
        w.WriteText(v.Ethnicity);
        w.WriteText(v.MaritalStatus);
        w.WriteText(v.Language);
        w.WriteText(v.Phone);
        w.WriteText(v.Ssn);
        w.WriteText(v.AddressLine1);
        w.WriteText(v.City);
        w.WriteText(v.State);
        w.WriteText(v.PostalCode);
        w.WriteText(v.Country);
    }

    private static PatientRecord ReadRecord(NpgsqlDataReader r) => new()
    {
        EventId = r.GetString(0),
        Source = r.GetString(1),
        PatientId = r.GetString(2),
        SourceSystem = r.Text(3),
        OccurredAt = r.GetFieldValue<DateTimeOffset>(4),
        GivenName = r.Text(5),
        FamilyName = r.Text(6),
        BirthDate = r.Date(7),
        DeathDate = r.Date(8),
        Sex = r.Text(9),
        Race = r.Text(10),
        Ethnicity = r.Text(11),
        MaritalStatus = r.Text(12),
        Language = r.Text(13),
        Phone = r.Text(14),
        Ssn = r.Text(15),
        AddressLine1 = r.Text(16),
        City = r.Text(17),
        State = r.Text(18),
        PostalCode = r.Text(19),
        Country = r.Text(20),
    };
}

/// <summary>Marks superseded lab results of the tests a batch touched (Silver/lab_supersession.sql).</summary>
internal static class LabSupersession
{
    public static async Task RefreshAsync(NpgsqlConnection connection, IEnumerable<LabResultRecord> fresh, CancellationToken cancellationToken)
    {
        var tests = fresh.Select(l => (l.Source, PatientId: l.PatientId!, l.LoincCode)).Distinct().ToList();
        if (tests.Count == 0) return;
        await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load("Silver/lab_supersession.sql"), connection);
        Derivation.AddKeys(command, tests.Select(t => (t.Source, t.PatientId)).ToList());
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tests.Select(t => t.LoincCode).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
