using System.Security.Cryptography;

namespace CareLake.Core.Records;

/// <summary>Code system names as silver stores them.</summary>
public static class CodeSystems
{
    public const string Icd10Cm = "ICD-10-CM";
    public const string Icd10Pcs = "ICD-10-PCS";
    public const string SnomedCt = "SNOMED-CT";
    public const string Cpt = "CPT";
    public const string Loinc = "LOINC";

    /// <summary>The name for a FHIR or HL7 coding system URI/OID/mnemonic; unknown systems are kept as sent.</summary>
    public static string FromUri(string? system) => system switch
    {
        null or "" => "unknown",
        "http://hl7.org/fhir/sid/icd-10-cm" or "http://hl7.org/fhir/sid/icd-10" or "I10" or "I10C" or "ICD10" or "ICD-10" or "ICD10CM" or "ICD-10-CM" => Icd10Cm,
        "http://www.cms.gov/Medicare/Coding/ICD10" or "I10P" or "ICD-10-PCS" => Icd10Pcs,
        "http://snomed.info/sct" or "SCT" or "SNM" or "SNOMED" or "SNOMED-CT" or "SNOMED CT" => SnomedCt,
        "http://www.ama-assn.org/go/cpt" or "C4" or "CPT" or "CPT4" => Cpt,
        "http://loinc.org" or "LN" or "LOINC" => Loinc,
        _ => system,
    };
}

/// <summary>ICD-10-CM codes with and without their dot (I50.9 ⇄ I509): sources send either.</summary>
public static class IcdCodes
{
    /// <summary>Upper case, no dot, no spaces: the form to join on.</summary>
    public static string Undotted(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Trim().Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>Upper case with the dot after the third character (the category), as ICD-10-CM prints it.</summary>
    public static string Dotted(string code)
    {
        var bare = Undotted(code);
        return bare.Length > 3 ? string.Concat(bare.AsSpan(0, 3), ".", bare.AsSpan(3)) : bare;
    }
}

/// <summary>
/// Encounter classes: the contract's four (inpatient, emergency, observation, outpatient), to which every source's
/// classes are normalised; the received class is kept beside it.
/// </summary>
public static class EncounterClasses
{
    public const string Inpatient = "inpatient";
    public const string Emergency = "emergency";
    public const string Observation = "observation";
    public const string Outpatient = "outpatient";

    public static IReadOnlyList<string> All { get; } = [Inpatient, Emergency, Observation, Outpatient];

    /// <summary>
    /// The normalised class of a received one: the contract's own names; Synthea's (wellness, ambulatory, urgentcare,
    /// home, virtual, hospice, snf); FHIR v3 ActCode (IMP, ACUTE, NONAC, EMER, OBSENC, AMB, HH, VR, FLD, SS, PRENC);
    /// HL7 v2 PV1-2 (I, E, O, P, R, B). Null when unknown.
    /// </summary>
    public static string? Normalize(string? received) => received?.Trim().ToLowerInvariant() switch
    {
        "inpatient" or "imp" or "acute" or "nonac" or "i" or "snf" or "hospice" => Inpatient,
        "emergency" or "emer" or "e" or "urgentcare" => Emergency,
        "observation" or "obsenc" => Observation,
        "outpatient" or "amb" or "ambulatory" or "wellness" or "home" or "hh" or "virtual" or "vr" or "fld" or "ss" or "prenc"
            or "o" or "p" or "r" or "b" => Outpatient,
        _ => null,
    };
}

/// <summary>Discharge dispositions: the contract's codes, and the FHIR and UB-04/HL7 (PV1-36) codes that map to them.</summary>
public static class Dispositions
{
    public static IReadOnlyList<string> All { get; } = ["home", "home_health", "snf", "rehab", "transfer", "ama", "expired", "hospice", "other"];

    /// <summary>The contract code for a received one; null when unknown. See clinical.md §5.3.</summary>
    public static string? Normalize(string? received) => received?.Trim().ToLowerInvariant() switch
    {
        "home" or "01" or "1" or "alt-home" => "home",
        "home_health" or "06" or "6" => "home_health",
        "snf" or "03" or "3" or "long" or "04" or "4" => "snf",
        "rehab" or "62" => "rehab",
        "transfer" or "02" or "2" or "other-hcf" or "05" or "5" or "65" or "psy" => "transfer",
        "ama" or "aadvice" or "07" or "7" => "ama",
        "expired" or "exp" or "20" or "40" or "41" or "42" => "expired",
        "hospice" or "hosp" or "50" or "51" => "hospice",
        "other" or "oth" => "other",
        _ => null,
    };
}

/// <summary>Ids derived from content, for records that carry none of their own (Synthea condition rows, FHIR groups).</summary>
public static class RecordIds
{
    /// <summary>The first 16 bytes of the SHA-256 of the bytes, as 32 lower-case hex digits.</summary>
    public static string ContentHash(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(content, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
