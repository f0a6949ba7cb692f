using CareLake.Core.Contracts;
using CareLake.Generator;
using CareLake.Generator.Model;
using CareLake.Ingest.Kafka;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>
/// A generated hospital streamed through the mock Kafka cluster on every contract topic: each silver table is checked
/// against the generator's own record of what happened (its structured events, not the JSON it rendered).
/// </summary>
public class GeneratedHospitalStreamTests
{
    [Fact]
    public async Task Every_silver_table_matches_the_generators_record()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Every_silver_table_matches_the_generators_record));
        var options = new GeneratorOptions
        {
            Patients = 600,
            Days = 45,
            Seed = 4242,
            Start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
            CancelledAdmitRate = 0.05,
            CancelledDischargeRate = 0.08,
        };
        var simulator = new HospitalSimulator(options);
        var truth = simulator.ClinicalEvents().ToList();
        var messages = simulator.Events().ToList();
        Assert.Equal(truth.Count, messages.Count); // no dirty data: one message per fact

        using var kafka = new MockKafkaCluster();
        foreach (var topic in Topics.Inbound) kafka.CreateTopic(topic, 8);
        foreach (var group in messages.GroupBy(m => m.Topic))
        {
            KafkaTestProducer.Produce(kafka.BootstrapServers, group.Key, group.Select(m => new FeedMessage(m.Key, m.Payload, m.EventId, Expectation.Valid)));
        }

        await using var dataSource = NpgsqlDataSource.Create(cs);
        var settings = new KafkaWorkerSettings(kafka.BootstrapServers, "hospital", Topics.Inbound, "test-worker", 2000,
            UntilIdle: TimeSpan.FromSeconds(3), SessionTimeout: TimeSpan.FromSeconds(6));
        var worker = new KafkaStreamWorker(settings, new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { }));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await worker.RunAsync(timeout.Token);
        }

        Assert.Equal(messages.Count, worker.Statistics.Messages);
        Assert.Equal(0L, await Count(cs, "silver.quarantine"));
        Assert.Equal(0L, await Count(cs, "silver.duplicate_events"));
        Assert.Equal(truth.OfType<DiagnosisEvent>().Count(), await Count(cs, "silver.diagnoses"));
        Assert.Equal(truth.OfType<ProcedureEvent>().Count(), await Count(cs, "silver.procedures"));
        Assert.Equal(truth.OfType<LabResultEvent>().Count(), await Count(cs, "silver.lab_results"));
        Assert.Equal(truth.OfType<EhrAccessEvent>().Count(), await Count(cs, "silver.ehr_access"));
        Assert.Equal(truth.OfType<VitalSignsEvent>().Count(), await Count(cs, "silver.vital_signs"));
        Assert.Equal(truth.OfType<AdtEvent>().Count(e => e.Kind != AdtKind.Update), await Count(cs, "silver.adt_events"));

        // Patients and their history: each change of the rendered demographics is one version.
        var histories = truth.OfType<AdtEvent>()
            .Where(e => e.Kind is AdtKind.Admit or AdtKind.Register or AdtKind.Update && e.Demographics is not null)
            .GroupBy(e => e.PatientId!)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.OccurredAt).Select(e => e.Demographics! with { MaidenName = null })
                .Aggregate(new List<PatientDemographics>(), (versions, d) => { if (versions.Count == 0 || versions[^1] != d) versions.Add(d); return versions; }));
        Assert.Equal(histories.Count, await Count(cs, "silver.patients"));
        Assert.Equal(histories.Values.Sum(v => v.Count), await Count(cs, "silver.patient_versions"));
        var current = (await Sql.RowsAsync(cs, "SELECT patient_id, family_name, address_line1, postal_code FROM silver.patients"))
            .ToDictionary(r => (string)r[0]!, r => ((string?)r[1], (string?)r[2], (string?)r[3]));
        foreach (var (patient, versions) in histories)
        {
            var last = versions[^1];
            Assert.Equal((last.FamilyName, last.Address.Line1, last.Address.PostalCode), current[patient]);
        }

        // Encounters: the state each visit ended in, by walking the generator's ADT events in time order.
        var expected = truth.OfType<AdtEvent>().Where(e => e.Kind != AdtKind.Update).GroupBy(e => e.EncounterId!).ToDictionary(g => g.Key, g => FinalState(g.OrderBy(e => e.OccurredAt)));
        var actual = (await Sql.RowsAsync(cs, "SELECT encounter_id, status, class, discharged_at, disposition, unit, patient_id FROM silver.encounters"))
            .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string?)r[2], r[3] is DateTime d ? new DateTimeOffset(d) : (DateTimeOffset?)null, (string?)r[4], (string?)r[5], (string?)r[6]));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (encounter, state) in expected) Assert.Equal(state, actual[encounter]);
        Assert.Contains(expected.Values, s => s.Status == "cancelled");
        Assert.Contains(expected.Values, s => s.Status == "in_house");

        // Every transfer opened a new stay.
        Assert.Equal(truth.OfType<AdtEvent>().Count(e => e.Kind is AdtKind.Admit or AdtKind.Register) + truth.OfType<AdtEvent>().Count(e => e.Kind == AdtKind.Transfer),
            await Count(cs, "silver.encounter_locations"));
    }

    private static (string Status, string? Class, DateTimeOffset? DischargedAt, string? Disposition, string? Unit, string? PatientId) FinalState(IEnumerable<AdtEvent> events)
    {
        string? status = null;
        string? beforeDischarge = null;
        DateTimeOffset? discharged = null;
        string? disposition = null;
        EncounterSnapshot? last = null;
        string? patient = null;
        foreach (var e in events)
        {
            last = e.Encounter ?? last;
            patient = e.PatientId ?? patient;
            switch (e.Kind)
            {
                case AdtKind.Admit: status = "in_house"; break;
                case AdtKind.Register: status ??= "registered"; break;
                case AdtKind.Transfer: status ??= "in_house"; break;
                case AdtKind.Discharge:
                    beforeDischarge = status == "discharged" ? beforeDischarge : status;
                    status = "discharged";
                    discharged = e.Encounter!.DischargedAt;
                    disposition = e.Encounter.Disposition?.Code();
                    break;
                case AdtKind.CancelDischarge: status = beforeDischarge ?? "in_house"; discharged = null; disposition = null; break;
                case AdtKind.CancelAdmit: status = "cancelled"; break;
            }
        }

        return (status!, last!.Class.Code(), discharged?.ToUniversalTime(), disposition, last.Location.Unit, patient);
    }

    private static Task<long> Count(string cs, string table) => Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM {table}");
}
