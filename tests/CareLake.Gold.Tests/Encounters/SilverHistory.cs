using Npgsql;
using NpgsqlTypes;

namespace CareLake.Gold.Tests.Encounters;

/// <summary>Hand-built patient histories written straight into silver's tables, as the silver stage would leave them.</summary>
internal sealed class SilverHistory(NpgsqlDataSource dataSource, string source = "mrn")
{
    private static readonly DateTime Processed = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private int _events;

    public async Task PatientAsync(string patientId, DateOnly birthDate, string sex = "female", string race = "white", DateOnly? deathDate = null)
    {
        const string sql = """
            INSERT INTO silver.patient_versions (source, patient_id, version, valid_from, event_id, given_name, family_name, birth_date, death_date, sex, race)
            VALUES ($1, $2, 1, $3, $4, 'Ada', 'Lovelace', $5, $6, $7, $8);
            INSERT INTO silver.patients (source, patient_id, version, valid_from, given_name, family_name, birth_date, death_date, sex, race, updated_at)
            VALUES ($1, $2, 1, $3, 'Ada', 'Lovelace', $5, $6, $7, $8, $3);
            """;
        await ExecuteAsync(sql, source, patientId, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), NextEventId(), birthDate,
            (object?)deathDate ?? DBNull.Value, sex, race);
    }

    /// <summary>An encounter; <paramref name="discharged"/> null leaves the patient in house.</summary>
    public async Task EncounterAsync(string patientId, string encounterId, string @class, DateTime admitted, DateTime? discharged,
        string? disposition = "home", string? admitSource = null, string unit = "5A")
    {
        const string sql = """
            INSERT INTO silver.encounters (source, encounter_id, patient_id, status, class, unit, admit_source, admitted_at, discharged_at,
                                           disposition, first_event_at, last_event_at, event_count, last_event_id, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, coalesce($9, $8), 1, $11, $12)
            """;
        await ExecuteAsync(sql, source, encounterId, patientId, discharged is null ? "in_house" : "discharged", @class, unit,
            (object?)admitSource ?? DBNull.Value, Utc(admitted), discharged is { } d ? Utc(d) : DBNull.Value,
            (object?)disposition ?? DBNull.Value, NextEventId(), Processed);
    }

    /// <summary>Diagnoses of an encounter, the first one principal (rank 1), the others ranked after it.</summary>
    public async Task DiagnosesAsync(string patientId, string encounterId, DateTime at, params string[] icd10Codes)
    {
        for (var i = 0; i < icd10Codes.Length; i++)
        {
            var undotted = icd10Codes[i].Replace(".", "", StringComparison.Ordinal);
            await DiagnosisAsync(patientId, encounterId, at, "ICD-10-CM", icd10Codes[i], undotted,
                undotted.Length > 3 ? undotted[..3] + "." + undotted[3..] : undotted, i + 1);
        }
    }

    public Task SnomedDiagnosisAsync(string patientId, string encounterId, DateTime at, string code) =>
        DiagnosisAsync(patientId, encounterId, at, "SNOMED-CT", code, code, null, null);

    public Task ProcedureAsync(string patientId, string encounterId, DateTime at, string codeSystem, string code)
    {
        const string sql = """
            INSERT INTO silver.procedures (event_id, bronze_id, source, patient_id, encounter_id, code_system, code, performed_at, status, occurred_at, processed_at)
            VALUES ($1, 0, $2, $3, $4, $5, $6, $7, 'completed', $7, $8)
            """;
        return ExecuteAsync(sql, NextEventId(), source, patientId, encounterId, codeSystem, code, Utc(at), Processed);
    }

    private Task DiagnosisAsync(string patientId, string encounterId, DateTime at, string system, string code, string undotted, string? dotted, int? rank)
    {
        const string sql = """
            INSERT INTO silver.diagnoses (event_id, bronze_id, source, patient_id, encounter_id, code_system, code, code_undotted, code_dotted, rank, diagnosed_at, occurred_at, processed_at)
            VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
            """;
        return ExecuteAsync(sql, NextEventId(), source, patientId, encounterId, system, code, undotted, (object?)dotted ?? DBNull.Value,
            (object?)rank ?? DBNull.Value, Utc(at), Processed);
    }

    private string NextEventId() => $"{source}-ev-{++_events}";

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var batch = dataSource.CreateBatch();
        var statements = sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement);
            var used = System.Text.RegularExpressions.Regex.Matches(statement, @"\$(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            for (var i = 0; i < used; i++)
            {
                command.Parameters.Add(parameters[i] switch
                {
                    DateOnly d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Date },
                    var v => new NpgsqlParameter { Value = v },
                });
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
    }
}
