using CareLake.Generator.AccessLogs;
using CareLake.Generator.DirtyData;

namespace CareLake.Generator;

/// <summary>
/// What to simulate. The output depends only on these values: the same options (including <see cref="Seed"/> and
/// <see cref="Start"/>) give byte-identical output. Validated by <see cref="Validate"/> when a simulator is built.
/// </summary>
public sealed record GeneratorOptions
{
    public static readonly TimeSpan DefaultFacilityUtcOffset = TimeSpan.FromHours(-5);

    /// <summary>Size of the hospital's patient population (adults). Default 2,000.</summary>
    public int Patients { get; init; } = 2_000;

    /// <summary>Length of the simulated period in days. Default 30.</summary>
    public int Days { get; init; } = 30;

    /// <summary>The seed every random draw derives from. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>
    /// Start of the period. It is moved to the facility's offset; the hospital opens empty at this instant.
    /// Default 2025-01-01T00:00-05:00 (fixed, so a default run never depends on the clock; see <see cref="PeriodEndingAt"/>).
    /// </summary>
    public DateTimeOffset Start { get; init; } = new(2025, 1, 1, 0, 0, 0, DefaultFacilityUtcOffset);

    /// <summary>The facility's UTC offset, used for every timestamp and for the daily rhythm. Fixed (no daylight saving). Default −05:00.</summary>
    public TimeSpan FacilityUtcOffset { get; init; } = DefaultFacilityUtcOffset;

    /// <summary>The contract's <c>facility_id</c>. Default <c>CLGH</c>.</summary>
    public string FacilityId { get; init; } = "CLGH";

    /// <summary>Shown in HL7 MSH-4 and FHIR. Default "CareLake General Hospital".</summary>
    public string FacilityName { get; init; } = "CareLake General Hospital";

    /// <summary>Interval between vital-sign sets for stable ward patients. Default 4 h (valid 1–12 h).</summary>
    public TimeSpan WardVitalsInterval { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Interval once NEWS2 reaches 5 or a single parameter scores 3 (RCP Chart 4: hourly). Default 1 h.</summary>
    public TimeSpan EscalatedVitalsInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Interval of ICU bedside-monitor sets (continuous monitoring; as short as 1 minute). Default 15 min.</summary>
    public TimeSpan IcuVitalsInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Mean emergency and elective inpatient admissions per patient per year, before readmissions. Default 0.25.</summary>
    public double InpatientAdmissionsPerPatientYear { get; init; } = 0.25;

    /// <summary>Mean emergency department treat-and-release visits per patient per year. Default 0.45.</summary>
    public double EmergencyVisitsPerPatientYear { get; init; } = 0.45;

    /// <summary>Mean observation stays per patient per year. Default 0.06.</summary>
    public double ObservationStaysPerPatientYear { get; init; } = 0.06;

    /// <summary>Share of admissions cancelled (HL7 A11) shortly after they were entered. Default 0.5%.</summary>
    public double CancelledAdmitRate { get; init; } = 0.005;

    /// <summary>Share of discharges entered too early and cancelled (HL7 A13) before the real one. Default 1%.</summary>
    public double CancelledDischargeRate { get; init; } = 0.01;

    /// <summary>EHR access logging and its suspicious patterns.</summary>
    public AccessLogOptions AccessLogs { get; init; } = new();

    /// <summary>Deliberate defects in the contract event stream. Default <see cref="DirtyDataOptions.Off"/>.</summary>
    public DirtyDataOptions DirtyData { get; init; } = DirtyDataOptions.Off;

    /// <summary>End of the period (exclusive): <see cref="Start"/> + <see cref="Days"/>.</summary>
    public DateTimeOffset End => PeriodStart.AddDays(Days);

    /// <summary><see cref="Start"/> at the facility's offset, truncated to whole seconds.</summary>
    public DateTimeOffset PeriodStart => new DateTimeOffset(Start.UtcTicks - Start.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).ToOffset(FacilityUtcOffset);

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "demo", "full"];

    /// <summary>
    /// Named sizes: <c>tiny</c> (200 patients, 30 days; unit tests), <c>demo</c> (2,000 patients, 90 days, dirty data on),
    /// <c>full</c> (63,000 patients, 365 days; the size of the Synthea population the benchmarks used).
    /// </summary>
    public static GeneratorOptions Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "tiny" => new GeneratorOptions { Patients = 200, Days = 30 },
            "demo" => new GeneratorOptions { Patients = 2_000, Days = 90, DirtyData = DirtyDataOptions.Demo },
            "full" => new GeneratorOptions { Patients = 63_000, Days = 365 },
            _ => throw new ArgumentException($"unknown preset '{name}'; use one of {string.Join(", ", PresetNames)}", nameof(name)),
        };
    }

    /// <summary>
    /// A start such that the period of <paramref name="days"/> ends at the latest facility-local midnight not after
    /// <paramref name="now"/>: no event lies in the future.
    /// </summary>
    public static DateTimeOffset PeriodEndingAt(DateTimeOffset now, int days, TimeSpan facilityUtcOffset)
    {
        var local = now.ToOffset(facilityUtcOffset);
        var midnight = new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, facilityUtcOffset);
        return midnight.AddDays(-days);
    }

    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(Patients is >= 1 and <= 5_000_000, "Patients must be 1–5,000,000");
        Require(Days is >= 1 and <= 3_660, "Days must be 1–3,660");
        Require(FacilityUtcOffset.Ticks % TimeSpan.TicksPerMinute == 0 && Math.Abs(FacilityUtcOffset.TotalHours) <= 14, "FacilityUtcOffset must be whole minutes within ±14 h");
        Require(!string.IsNullOrWhiteSpace(FacilityId) && FacilityId.Length <= 32, "FacilityId must be 1–32 characters");
        Require(WardVitalsInterval >= TimeSpan.FromHours(1) && WardVitalsInterval <= TimeSpan.FromHours(12), "WardVitalsInterval must be 1–12 h");
        Require(EscalatedVitalsInterval >= TimeSpan.FromMinutes(5) && EscalatedVitalsInterval <= WardVitalsInterval, "EscalatedVitalsInterval must be 5 min – WardVitalsInterval");
        Require(IcuVitalsInterval >= TimeSpan.FromMinutes(1) && IcuVitalsInterval <= TimeSpan.FromHours(1), "IcuVitalsInterval must be 1–60 min");
        Require(InpatientAdmissionsPerPatientYear is >= 0 and <= 20, "InpatientAdmissionsPerPatientYear must be 0–20");
        Require(EmergencyVisitsPerPatientYear is >= 0 and <= 50, "EmergencyVisitsPerPatientYear must be 0–50");
        Require(ObservationStaysPerPatientYear is >= 0 and <= 20, "ObservationStaysPerPatientYear must be 0–20");
        Require(CancelledAdmitRate is >= 0 and <= 0.5, "CancelledAdmitRate must be 0–0.5");
        Require(CancelledDischargeRate is >= 0 and <= 0.5, "CancelledDischargeRate must be 0–0.5");
        ArgumentNullException.ThrowIfNull(AccessLogs);
        ArgumentNullException.ThrowIfNull(DirtyData);
        AccessLogs.Validate();
        DirtyData.Validate();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"Invalid generator option: {message}.");
    }
}
