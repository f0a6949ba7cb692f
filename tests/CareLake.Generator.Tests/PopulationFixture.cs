using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;

namespace CareLake.Generator.Tests;

/// <summary>
/// One year of an 8,000-patient hospital, generated once for the distribution and contract tests. Everything the
/// tests need is computed from the emitted JSON messages in a single pass, the way a consumer of the stream would
/// see them; the simulator's own summary is kept for cross-checks.
/// </summary>
public sealed class PopulationFixture
{
    public static readonly GeneratorOptions Options = new()
    {
        Patients = 8_000,
        Days = 365,
        Seed = 20_260_101,
        Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)),
    };

    public PopulationFixture()
    {
        var simulator = new HospitalSimulator(Options);
        var receivedAt = Options.End.AddDays(1);
        var parser = new VitalSignsParser();
        var lastOccurred = DateTimeOffset.MinValue;
        var eventIds = new HashSet<string>(StringComparer.Ordinal);
        var mass = new Dictionary<(string User, DateOnly Day), HashSet<string>>();
        foreach (var message in simulator.Events())
        {
            Messages++;
            if (message.OccurredAt < lastOccurred) OutOfOrder++;
            lastOccurred = message.OccurredAt;
            if (!eventIds.Add(message.EventId)) DuplicateIds++;
            var problems = ContractChecker.Check(message.Topic, message.Payload, receivedAt);
            if (problems.Count > 0)
            {
                ProblemCount++;
                if (Problems.Count < 20) Problems.Add($"{message.EventId}: {string.Join("; ", problems)}");
            }

            using var json = JsonDocument.Parse(message.Payload);
            var root = json.RootElement;
            var type = root.GetProperty("event_type").GetString()!;
            TypesSeen.Add(type);
            MessagesByType[type] = MessagesByType.GetValueOrDefault(type) + 1;
            if (message.Key != (root.TryGetProperty("patient_id", out var pid) ? pid.GetString() : root.GetProperty("user_id").GetString()))
            {
                WrongKeys++;
            }

            switch (message.Topic)
            {
                case Topics.PatientAdmissions:
                    Stays.Observe(root);
                    break;
                case Topics.PatientDiagnoses:
                    var encounter = root.GetProperty("encounter_id").GetString()!;
                    if (!DiagnosesByEncounter.TryGetValue(encounter, out var codes)) DiagnosesByEncounter[encounter] = codes = [];
                    var code = root.GetProperty("code").GetString()!;
                    codes.Add(code);
                    if (root.GetProperty("rank").GetInt32() == 1) PrincipalByEncounter[encounter] = code;
                    if (root.GetProperty("present_on_admission").GetString() == "N") HospitalAcquiredDiagnoses++;
                    break;
                case Topics.PatientProcedures:
                    Procedures.Add(new ProcedureMessage(
                        root.GetProperty("encounter_id").GetString()!,
                        root.GetProperty("code_system").GetString()!,
                        root.GetProperty("code").GetString()!,
                        DateTimeOffset.Parse(root.GetProperty("performed_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                        DateTimeOffset.Parse(root.GetProperty("performed_end_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case Topics.PatientVitals:
                    var vitals = parser.Parse(message.Payload, receivedAt);
                    if (!vitals.IsSuccess) continue;
                    VitalSets++;
                    if (vitals.Value!.Spo2Scale == 2) Scale2Sets++;
                    if (News2.Score(vitals.Value.News2Input).Band is { } band) News2Bands[band] = News2Bands.GetValueOrDefault(band) + 1;
                    break;
                case Topics.EhrAuditLogs:
                    var action = root.GetProperty("action").GetString()!;
                    Actions[action] = Actions.GetValueOrDefault(action) + 1;
                    if (action == "view" && root.TryGetProperty("patient_id", out var viewed))
                    {
                        var key = (root.GetProperty("user_id").GetString()!, DateOnly.FromDateTime(message.OccurredAt.DateTime));
                        if (!mass.TryGetValue(key, out var set)) mass[key] = set = [];
                        set.Add(viewed.GetString()!);
                    }

                    break;
            }
        }

        MostChartsOneUserOneDay = mass.Values.Max(s => s.Count);
        Summary = simulator.Summary;
        Population = simulator.Population!;
    }

    public GenerationSummary Summary { get; }
    public Population.PatientPopulation Population { get; }
    public long Messages { get; }
    public long OutOfOrder { get; }
    public long DuplicateIds { get; }
    public long WrongKeys { get; }
    public long ProblemCount { get; }
    public List<string> Problems { get; } = [];
    public HashSet<string> TypesSeen { get; } = [];
    public Dictionary<string, long> MessagesByType { get; } = [];
    public StayTracker Stays { get; } = new();
    public Dictionary<string, List<string>> DiagnosesByEncounter { get; } = [];
    public Dictionary<string, string> PrincipalByEncounter { get; } = [];
    public long HospitalAcquiredDiagnoses { get; }
    public List<ProcedureMessage> Procedures { get; } = [];
    public long VitalSets { get; }
    public long Scale2Sets { get; }
    public Dictionary<News2Band, long> News2Bands { get; } = [];
    public Dictionary<string, long> Actions { get; } = [];
    public int MostChartsOneUserOneDay { get; }
}

/// <summary>The fields of one <c>patient_procedures</c> message the tests look at.</summary>
public sealed record ProcedureMessage(string EncounterId, string CodeSystem, string Code, DateTimeOffset PerformedAt, DateTimeOffset PerformedEndAt);

[CollectionDefinition(Name)]
public sealed class PopulationCollection : ICollectionFixture<PopulationFixture>
{
    public const string Name = "generated population";
}

/// <summary>Rebuilds inpatient stays from ADT messages, honouring cancel_admit (A11) and cancel_discharge (A13).</summary>
public sealed class StayTracker
{
    private readonly Dictionary<string, Stay> _byEncounter = new(StringComparer.Ordinal);

    public IEnumerable<Stay> All => _byEncounter.Values;

    public IEnumerable<Stay> Inpatient => _byEncounter.Values.Where(s => s.Class == "inpatient" && !s.Cancelled);

    public long Updates { get; private set; }
    public long AddressChanges { get; private set; }
    private readonly Dictionary<string, string> _lastAddress = new(StringComparer.Ordinal);

    public void Observe(JsonElement root)
    {
        var type = root.GetProperty("event_type").GetString()!;
        var patient = root.GetProperty("patient_id").GetString()!;
        if (root.TryGetProperty("patient", out var demographics))
        {
            var address = demographics.GetProperty("address").GetRawText();
            if (_lastAddress.TryGetValue(patient, out var previous) && previous != address && type == "update") AddressChanges++;
            _lastAddress[patient] = address;
        }

        if (type == "update")
        {
            Updates++;
            return;
        }

        var encounter = root.GetProperty("encounter");
        var id = encounter.GetProperty("encounter_id").GetString()!;
        switch (type)
        {
            case "admit" or "register":
                _byEncounter[id] = new Stay(id, patient, encounter.GetProperty("class").GetString()!, DateTimeOffset.Parse(encounter.GetProperty("admitted_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "cancel_admit":
                _byEncounter[id].Cancelled = true;
                break;
            case "discharge":
                var stay = _byEncounter[id];
                stay.Discharges.Push((DateTimeOffset.Parse(encounter.GetProperty("discharged_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                    encounter.GetProperty("discharge_disposition").GetString()!));
                break;
            case "cancel_discharge":
                _byEncounter[id].Discharges.Pop();
                _byEncounter[id].DischargeCancellations++;
                break;
            case "transfer":
                _byEncounter[id].Transfers.Add(root.GetProperty("to").GetProperty("unit").GetString()!);
                break;
        }
    }

    public sealed class Stay(string encounterId, string patientId, string encounterClass, DateTimeOffset admittedAt)
    {
        public string EncounterId { get; } = encounterId;
        public string PatientId { get; } = patientId;
        public string Class { get; } = encounterClass;
        public DateTimeOffset AdmittedAt { get; } = admittedAt;
        public bool Cancelled { get; set; }
        public Stack<(DateTimeOffset At, string Disposition)> Discharges { get; } = new();
        public int DischargeCancellations { get; set; }
        public List<string> Transfers { get; } = [];
        public (DateTimeOffset At, string Disposition)? Discharge => Discharges.Count > 0 ? Discharges.Peek() : null;
    }
}
