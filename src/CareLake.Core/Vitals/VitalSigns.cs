using CareLake.Core.Scoring;

namespace CareLake.Core.Vitals;

/// <summary>One validated, unit-normalised observation set from the <c>patient_vitals</c> topic.</summary>
public sealed record VitalSigns(
    string EventId,
    string PatientId,
    string? EncounterId,
    string? DeviceId,
    string? SourceSystem,
    DateTimeOffset OccurredAt,
    DateTimeOffset MeasuredAt,
    decimal? HeartRate,
    decimal? RespiratoryRate,
    decimal? Spo2,
    int Spo2Scale,
    bool? OnSupplementalOxygen,
    decimal? SystolicBp,
    decimal? DiastolicBp,
    decimal? TemperatureCelsius,
    TemperatureUnit? TemperatureUnitReceived,
    Consciousness? Consciousness)
{
    public News2Input News2Input =>
        new(RespiratoryRate, Spo2, Spo2Scale, OnSupplementalOxygen, SystolicBp, HeartRate, Consciousness, TemperatureCelsius);
}

/// <summary>The temperature unit an event arrived in.</summary>
public enum TemperatureUnit
{
    /// <summary>UCUM <c>Cel</c>, the contract default.</summary>
    Celsius,

    /// <summary>UCUM <c>[degF]</c>.</summary>
    Fahrenheit,

    /// <summary>No unit given and the value only makes sense in °F (70–120), as MIMIC-IV treats it.</summary>
    FahrenheitInferred,
}
