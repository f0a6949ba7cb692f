using System.Globalization;
using System.Net;
using System.Text.Json;
using CareLake.Testing;

namespace CareLake.Dashboard.Tests;

[Collection(HospitalServerCollection.Name)]
public sealed class PatientTests(HospitalServer hospital)
{
    private string ConnectionString => hospital.DataSource.ConnectionString;

    /// <summary>A patient with an alert, so every section of the page has rows to compare.</summary>
    private async Task<string> PatientWithAlertsAsync()
    {
        var rows = await Sql.RowsAsync(ConnectionString, """
            SELECT a.patient_id FROM silver.clinical_alerts a
            WHERE EXISTS (SELECT 1 FROM silver.lab_results r WHERE r.patient_id = a.patient_id)
              AND EXISTS (SELECT 1 FROM silver.diagnoses d WHERE d.patient_id = a.patient_id)
            GROUP BY a.patient_id ORDER BY count(*) DESC, a.patient_id LIMIT 1
            """);
        Assert.NotEmpty(rows);
        return (string)rows[0][0]!;
    }

    [Fact]
    public async Task The_header_of_a_patient_in_house_names_them_and_where_they_are()
    {
        var ward = await hospital.TableAsync("/v1/ward/patients");
        Assert.NotEmpty(ward.Rows);
        var inHouse = ward.Rows[0];
        var patient = inHouse[ward.Index("patient_id")].GetString()!;

        var header = await hospital.TableAsync($"/v1/patients/{Uri.EscapeDataString(patient)}");

        var row = Assert.Single(header.Rows);
        var demographics = (await Sql.RowsAsync(ConnectionString,
            "SELECT given_name, family_name, sex, birth_date FROM silver.patients WHERE patient_id = $1", patient)).Single();
        Assert.Equal(patient, row[header.Index("patient_id")].GetString());
        Assert.Equal((string?)demographics[0], row[header.Index("given_name")].GetString());
        Assert.Equal((string?)demographics[1], row[header.Index("family_name")].GetString());
        Assert.Equal((string?)demographics[2], row[header.Index("sex")].GetString());
        var birth = (DateOnly)demographics[3]!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var age = today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
        Assert.Equal(age, row[header.Index("age")].GetInt32());
        Assert.True(row[header.Index("in_house")].GetBoolean());
        Assert.Equal(inHouse[ward.Index("unit")].GetString(), row[header.Index("unit")].GetString());
        Assert.Equal(inHouse[ward.Index("encounter_id")].GetString(), row[header.Index("encounter_id")].GetString());
        Assert.Equal(inHouse[ward.Index("news2_score")].ToString(), row[header.Index("news2_score")].ToString());
    }

    [Fact]
    public async Task Each_section_answers_that_patients_rows_and_all_of_them()
    {
        var patient = await PatientWithAlertsAsync();
        var path = $"/v1/patients/{Uri.EscapeDataString(patient)}";

        var vitals = await hospital.TableAsync(path + "/vitals");
        var expectedVitals = await Sql.RowsAsync(ConnectionString,
            "SELECT event_id, news2_score FROM silver.vital_signs WHERE patient_id = $1 AND measured_at <= now() ORDER BY measured_at, event_id", patient);
        Assert.NotEmpty(expectedVitals);
        Assert.Equal(expectedVitals.Select(r => (string)r[0]!), vitals.Column("event_id").Select(e => e.GetString()!));
        Assert.Equal(expectedVitals.Select(r => r[1]?.ToString()), vitals.Column("news2_score").Select(s => s.ValueKind == JsonValueKind.Null ? null : s.GetInt32().ToString(CultureInfo.InvariantCulture)));

        var labs = await hospital.TableAsync(path + "/labs");
        var expectedLabs = await Sql.RowsAsync(ConnectionString,
            "SELECT event_id FROM silver.lab_results WHERE patient_id = $1 AND superseded_by IS NULL", patient);
        Assert.NotEmpty(expectedLabs);
        Assert.Equal(expectedLabs.Select(r => (string)r[0]!).Order(), labs.Column("event_id").Select(e => e.GetString()!).Order());

        var diagnoses = await hospital.TableAsync(path + "/diagnoses");
        var expectedDiagnoses = await Sql.RowsAsync(ConnectionString, "SELECT event_id FROM silver.diagnoses WHERE patient_id = $1", patient);
        Assert.Equal(expectedDiagnoses.Select(r => (string)r[0]!).Order(), diagnoses.Column("event_id").Select(e => e.GetString()!).Order());

        var alerts = await hospital.TableAsync(path + "/alerts");
        var expectedAlerts = await Sql.RowsAsync(ConnectionString,
            "SELECT alert_id FROM silver.clinical_alerts WHERE patient_id = $1 ORDER BY measured_at DESC, alert_id DESC", patient);
        Assert.Equal(expectedAlerts.Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)), alerts.Column("alert_id").Select(a => a.GetInt64()));

        var encounters = await hospital.TableAsync(path + "/encounters");
        var expectedEncounters = await Sql.RowsAsync(ConnectionString, """
            SELECT e.encounter_id, f.los_days, f.readmitted_30d FROM silver.encounters e
            LEFT JOIN gold.fact_encounter f ON f.source = e.source AND f.encounter_id = e.encounter_id
            WHERE e.patient_id = $1
            """, patient);
        Assert.NotEmpty(expectedEncounters);
        Assert.Equal(expectedEncounters.Select(r => (string)r[0]!).Order(), encounters.Column("encounter_id").Select(e => e.GetString()!).Order());
        foreach (var expected in expectedEncounters)
        {
            var row = encounters.Rows.Single(r => r[encounters.Index("encounter_id")].GetString() == (string)expected[0]!);
            Assert.Equal(expected[1]?.ToString(), Nullable(row[encounters.Index("los_days")]));
            Assert.Equal(expected[2]?.ToString()?.ToLowerInvariant(), Nullable(row[encounters.Index("readmitted_30d")]));
        }
    }

    [Fact]
    public async Task The_vitals_keep_to_the_days_asked_for()
    {
        var patient = await PatientWithAlertsAsync();
        var days = await Sql.RowsAsync(ConnectionString,
            "SELECT DISTINCT (measured_at AT TIME ZONE 'UTC')::date AS day FROM silver.vital_signs WHERE patient_id = $1 ORDER BY day", patient);
        var day = ((DateOnly)days[0][0]!).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var vitals = await hospital.TableAsync($"/v1/patients/{Uri.EscapeDataString(patient)}/vitals?from={day}&to={day}");

        var expected = await Sql.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM silver.vital_signs WHERE patient_id = $1 AND (measured_at AT TIME ZONE 'UTC')::date = $2::date", patient, day);
        Assert.True(expected > 0);
        Assert.Equal(expected, vitals.Rows.Count);
        Assert.All(vitals.Column("measured_at"), m => Assert.StartsWith(day, m.GetString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/vitals")]
    [InlineData("/labs")]
    [InlineData("/diagnoses")]
    [InlineData("/encounters")]
    [InlineData("/alerts")]
    public async Task An_unknown_patient_is_a_404_problem(string section)
    {
        using var response = await hospital.Client.GetAsync($"/v1/patients/MRN-NOBODY-000{section}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("MRN-NOBODY-000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_patient_of_another_source_is_unknown()
    {
        var patient = await PatientWithAlertsAsync();
        using var response = await hospital.Client.GetAsync($"/v1/patients/{Uri.EscapeDataString(patient)}?source=synthea");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hospital.Client.GetAsync($"/v1/patients/{Uri.EscapeDataString(patient)}?source=mrn")).StatusCode);
    }

    [Theory]
    [InlineData("/vitals?from=yesterday")]
    [InlineData("/vitals?from=2026-02-30")]
    [InlineData("/vitals?from=2026-03-02&to=2026-03-01")]
    [InlineData("?source=")]
    public async Task Bad_parameters_are_a_400_problem(string query)
    {
        var patient = await PatientWithAlertsAsync();
        if (query.EndsWith('=')) query += new string('s', DashboardFilter.MaxTextLength + 1);
        using var response = await hospital.Client.GetAsync($"/v1/patients/{Uri.EscapeDataString(patient)}{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_patient_id_too_long_or_with_control_characters_is_a_400_problem()
    {
        using var tooLong = await hospital.Client.GetAsync($"/v1/patients/{new string('9', WardEndpoints.MaxPatientIdLength + 1)}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var control = await hospital.Client.GetAsync("/v1/patients/MRN%00123/vitals");
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
    }

    [Fact]
    public async Task The_patient_page_is_served_for_any_id_and_says_when_the_patient_is_unknown()
    {
        var html = await hospital.Client.GetStringAsync("/patients/MRN-NOBODY-000");
        Assert.Contains("id=\"not-found\"", html, StringComparison.Ordinal);
        Assert.Contains("/assets/js/patient.js", html, StringComparison.Ordinal);
    }

    private static string? Nullable(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.ToString();
}
