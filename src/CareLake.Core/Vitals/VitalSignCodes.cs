namespace CareLake.Core.Vitals;

/// <summary>The LOINC codes of the vital signs NEWS2 scores (FHIR R4 vital-signs value set, clinical.md §9.2).</summary>
public static class VitalSignCodes
{
    public const string HeartRate = "8867-4";
    public const string RespiratoryRate = "9279-1";
    public const string OxygenSaturation = "2708-6";

    /// <summary>SpO₂ by pulse oximetry (US Core sends it beside 2708-6).</summary>
    public const string PulseOximetry = "59408-5";

    public const string BodyTemperature = "8310-5";
    public const string SystolicBp = "8480-6";
    public const string DiastolicBp = "8462-4";

    /// <summary>Inhaled oxygen flow rate (US Core Pulse Oximetry component; more than 0 means supplemental oxygen).</summary>
    public const string InhaledOxygenFlowRate = "3151-8";

    /// <summary>Inhaled oxygen concentration (more than room air's 21 % means supplemental oxygen).</summary>
    public const string InhaledOxygenConcentration = "3150-0";

    /// <summary>The codes whose values NEWS2 scores.</summary>
    public static IReadOnlySet<string> News2Parameters { get; } =
        new HashSet<string>(StringComparer.Ordinal) { HeartRate, RespiratoryRate, OxygenSaturation, PulseOximetry, BodyTemperature, SystolicBp, DiastolicBp };
}
