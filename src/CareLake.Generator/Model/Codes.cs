using CareLake.Core.Contracts;

namespace CareLake.Generator.Model;

public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}

/// <summary>OMB race categories (Census 2020), "two or more races" folded into <see cref="Other"/>.</summary>
public enum Race
{
    White,
    Black,
    Asian,
    Native,
    Hawaiian,
    Other,
}

public enum Ethnicity
{
    Hispanic,
    NonHispanic,
}

/// <summary>HL7 table 0002 / FHIR v3-MaritalStatus codes M, S, D, W.</summary>
public enum MaritalStatus
{
    Single,
    Married,
    Divorced,
    Widowed,
}

public enum EncounterClass
{
    Inpatient,
    Emergency,
    Observation,
    Outpatient,
}

public enum DischargeDisposition
{
    Home,
    HomeHealth,
    SkilledNursing,
    Rehab,
    Transfer,
    AgainstMedicalAdvice,
    Expired,
    Hospice,
    Other,
}

public enum AdtKind
{
    Admit,
    Register,
    Transfer,
    Discharge,
    Update,
    CancelAdmit,
    CancelDischarge,
}

public enum PresentOnAdmission
{
    Yes,
    No,
    Unknown,
    ClinicallyUndetermined,
}

/// <summary>The code systems of <c>patient_procedures</c> (CPT is in the contract; the generator does not use it).</summary>
public enum ProcedureCodeSystem
{
    SnomedCt,
    Icd10Pcs,
    Cpt,
}

public enum ProcedureStatus
{
    Completed,
    InProgress,
    NotDone,
    EnteredInError,
}

public enum AbnormalFlag
{
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

public enum LabStatus
{
    Final,
    Preliminary,
    Corrected,
}

public enum AccessAction
{
    View,
    Create,
    Update,
    Delete,
    Print,
    Export,
    Login,
    Logout,
    BreakGlass,
}

/// <summary>The contract's string codes (reference/event-contracts.md) and their HL7 v2 / FHIR equivalents.</summary>
public static class ContractCodes
{
    public static string Code(this Sex sex) => sex switch
    {
        Sex.Female => "female",
        Sex.Male => "male",
        Sex.Other => "other",
        _ => "unknown",
    };

    /// <summary>HL7 table 0001.</summary>
    public static string Hl7Code(this Sex sex) => sex switch
    {
        Sex.Female => "F",
        Sex.Male => "M",
        Sex.Other => "O",
        _ => "U",
    };

    public static string Code(this Race race) => race switch
    {
        Race.White => "white",
        Race.Black => "black",
        Race.Asian => "asian",
        Race.Native => "native",
        Race.Hawaiian => "hawaiian",
        _ => "other",
    };

    /// <summary>CDC Race &amp; Ethnicity code set (CDCREC), as HL7 PID-10 and US Core carry it.</summary>
    public static (string Code, string Display) CdcCode(this Race race) => race switch
    {
        Race.White => ("2106-3", "White"),
        Race.Black => ("2054-5", "Black or African American"),
        Race.Asian => ("2028-9", "Asian"),
        Race.Native => ("1002-5", "American Indian or Alaska Native"),
        Race.Hawaiian => ("2076-8", "Native Hawaiian or Other Pacific Islander"),
        _ => ("2131-1", "Other Race"),
    };

    public static string Code(this Ethnicity ethnicity) => ethnicity == Ethnicity.Hispanic ? "hispanic" : "nonhispanic";

    public static (string Code, string Display) CdcCode(this Ethnicity ethnicity) =>
        ethnicity == Ethnicity.Hispanic ? ("2135-2", "Hispanic or Latino") : ("2186-5", "Not Hispanic or Latino");

    public static string Code(this MaritalStatus status) => status switch
    {
        MaritalStatus.Married => "M",
        MaritalStatus.Divorced => "D",
        MaritalStatus.Widowed => "W",
        _ => "S",
    };

    public static string Display(this MaritalStatus status) => status switch
    {
        MaritalStatus.Married => "Married",
        MaritalStatus.Divorced => "Divorced",
        MaritalStatus.Widowed => "Widowed",
        _ => "Never Married",
    };

    public static string Code(this EncounterClass encounterClass) => encounterClass switch
    {
        EncounterClass.Inpatient => "inpatient",
        EncounterClass.Emergency => "emergency",
        EncounterClass.Observation => "observation",
        _ => "outpatient",
    };

    /// <summary>HL7 table 0004 (PV1-2). Observation stays are outpatient by class.</summary>
    public static string Hl7PatientClass(this EncounterClass encounterClass) => encounterClass switch
    {
        EncounterClass.Inpatient => "I",
        EncounterClass.Emergency => "E",
        _ => "O",
    };

    /// <summary>v3 ActCode, as FHIR R4 Encounter.class carries it.</summary>
    public static (string Code, string Display) ActCode(this EncounterClass encounterClass) => encounterClass switch
    {
        EncounterClass.Inpatient => ("IMP", "inpatient encounter"),
        EncounterClass.Emergency => ("EMER", "emergency"),
        EncounterClass.Observation => ("OBSENC", "observation encounter"),
        _ => ("AMB", "ambulatory"),
    };

    public static string Code(this DischargeDisposition disposition) => disposition switch
    {
        DischargeDisposition.Home => "home",
        DischargeDisposition.HomeHealth => "home_health",
        DischargeDisposition.SkilledNursing => "snf",
        DischargeDisposition.Rehab => "rehab",
        DischargeDisposition.Transfer => "transfer",
        DischargeDisposition.AgainstMedicalAdvice => "ama",
        DischargeDisposition.Expired => "expired",
        DischargeDisposition.Hospice => "hospice",
        _ => "other",
    };

    /// <summary>UB-04 patient status (clinical.md §5.3), carried in HL7 PV1-36.</summary>
    public static string PatientStatusCode(this DischargeDisposition disposition) => disposition switch
    {
        DischargeDisposition.Home => "01",
        DischargeDisposition.HomeHealth => "06",
        DischargeDisposition.SkilledNursing => "03",
        DischargeDisposition.Rehab => "62",
        DischargeDisposition.Transfer => "02",
        DischargeDisposition.AgainstMedicalAdvice => "07",
        DischargeDisposition.Expired => "20",
        DischargeDisposition.Hospice => "51",
        _ => "70",
    };

    /// <summary>FHIR R4 Encounter.hospitalization.dischargeDisposition (clinical.md §5.3).</summary>
    public static (string Code, string Display) FhirCode(this DischargeDisposition disposition) => disposition switch
    {
        DischargeDisposition.Home => ("home", "Home"),
        DischargeDisposition.HomeHealth => ("home", "Home with home health care"),
        DischargeDisposition.SkilledNursing => ("snf", "Skilled nursing facility"),
        DischargeDisposition.Rehab => ("rehab", "Rehabilitation"),
        DischargeDisposition.Transfer => ("other-hcf", "Other healthcare facility"),
        DischargeDisposition.AgainstMedicalAdvice => ("aadvice", "Left against advice"),
        DischargeDisposition.Expired => ("exp", "Expired"),
        DischargeDisposition.Hospice => ("hosp", "Hospice"),
        _ => ("oth", "Other"),
    };

    public static string Code(this AdtKind kind) => kind switch
    {
        AdtKind.Admit => "admit",
        AdtKind.Register => "register",
        AdtKind.Transfer => "transfer",
        AdtKind.Discharge => "discharge",
        AdtKind.Update => "update",
        AdtKind.CancelAdmit => "cancel_admit",
        _ => "cancel_discharge",
    };

    /// <summary>HL7 v2 trigger event (clinical.md §8.1) and the v2.5 message structure it uses.</summary>
    public static (string Trigger, string Structure) Hl7Trigger(this AdtKind kind) => kind switch
    {
        AdtKind.Admit => ("A01", "ADT_A01"),
        AdtKind.Register => ("A04", "ADT_A01"),
        AdtKind.Transfer => ("A02", "ADT_A02"),
        AdtKind.Discharge => ("A03", "ADT_A03"),
        AdtKind.Update => ("A08", "ADT_A01"),
        AdtKind.CancelAdmit => ("A11", "ADT_A09"),
        _ => ("A13", "ADT_A01"),
    };

    public static string Code(this PresentOnAdmission poa) => poa switch
    {
        PresentOnAdmission.Yes => "Y",
        PresentOnAdmission.No => "N",
        PresentOnAdmission.ClinicallyUndetermined => "W",
        _ => "U",
    };

    public static string Code(this ProcedureCodeSystem system) => system switch
    {
        ProcedureCodeSystem.SnomedCt => "SNOMED-CT",
        ProcedureCodeSystem.Icd10Pcs => "ICD-10-PCS",
        _ => "CPT",
    };

    /// <summary>HL7 table 0396 coding system, as PR1-3 carries it.</summary>
    public static string Hl7Code(this ProcedureCodeSystem system) => system switch
    {
        ProcedureCodeSystem.SnomedCt => "SCT",
        ProcedureCodeSystem.Icd10Pcs => "I10P",
        _ => "C4",
    };

    /// <summary>The FHIR coding system URI.</summary>
    public static string FhirSystem(this ProcedureCodeSystem system) => system switch
    {
        ProcedureCodeSystem.SnomedCt => "http://snomed.info/sct",
        ProcedureCodeSystem.Icd10Pcs => "http://www.cms.gov/Medicare/Coding/ICD10",
        _ => "http://www.ama-assn.org/go/cpt",
    };

    /// <summary>The contract's status, which is also FHIR R4 Procedure.status.</summary>
    public static string Code(this ProcedureStatus status) => status switch
    {
        ProcedureStatus.InProgress => "in-progress",
        ProcedureStatus.NotDone => "not-done",
        ProcedureStatus.EnteredInError => "entered-in-error",
        _ => "completed",
    };

    public static string Code(this AbnormalFlag flag) => flag switch
    {
        AbnormalFlag.Low => "L",
        AbnormalFlag.High => "H",
        AbnormalFlag.CriticalLow => "LL",
        AbnormalFlag.CriticalHigh => "HH",
        _ => "N",
    };

    public static string Code(this LabStatus status) => status switch
    {
        LabStatus.Preliminary => "preliminary",
        LabStatus.Corrected => "corrected",
        _ => "final",
    };

    /// <summary>HL7 table 0085 (OBX-11).</summary>
    public static string Hl7Code(this LabStatus status) => status switch
    {
        LabStatus.Preliminary => "P",
        LabStatus.Corrected => "C",
        _ => "F",
    };

    public static string Code(this AccessAction action) => action switch
    {
        AccessAction.View => "view",
        AccessAction.Create => "create",
        AccessAction.Update => "update",
        AccessAction.Delete => "delete",
        AccessAction.Print => "print",
        AccessAction.Export => "export",
        AccessAction.Login => "login",
        AccessAction.Logout => "logout",
        _ => "break_glass",
    };

    /// <summary>The topic of an event type, from the core contract table.</summary>
    public static string TopicOf(string eventType) =>
        EventTypes.TopicOf(eventType) ?? throw new ArgumentException($"{eventType} is not a contract event type", nameof(eventType));
}
