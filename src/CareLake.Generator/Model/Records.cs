namespace CareLake.Generator.Model;

/// <summary>A postal address. <see cref="State"/> is the USPS two-letter code.</summary>
public sealed record Address(
    string Line1,
    string City,
    string State,
    string PostalCode,
    string County,
    double Latitude,
    double Longitude,
    string Country = "US");

/// <summary>A patient's identifying and demographic data as the registration system holds it at one time.</summary>
public sealed record PatientDemographics(
    string GivenName,
    string FamilyName,
    DateOnly BirthDate,
    Sex Sex,
    Race Race,
    Ethnicity Ethnicity,
    MaritalStatus MaritalStatus,
    string Language,
    string Phone,
    string Ssn,
    Address Address,
    string? MaidenName = null);

/// <summary>A bed: nursing unit, room and bed label.</summary>
public readonly record struct BedLocation(string Unit, string Room, string Bed)
{
    public override string ToString() => $"{Unit}/{Room}/{Bed}";
}

/// <summary>The visit as the ADT system describes it at one moment; a transfer or discharge makes a new snapshot.</summary>
public sealed record EncounterSnapshot(
    string EncounterId,
    EncounterClass Class,
    string FacilityId,
    BedLocation Location,
    string AdmitSource,
    DateTimeOffset AdmittedAt,
    string AttendingProviderId,
    string HospitalService,
    string AdmissionType)
{
    public DateTimeOffset? DischargedAt { get; init; }
    public DischargeDisposition? Disposition { get; init; }
}
