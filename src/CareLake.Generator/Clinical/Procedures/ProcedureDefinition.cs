namespace CareLake.Generator.Clinical.Procedures;

/// <summary>A procedure code with its description, as a code system writes it (SNOMED CT concept id, 7-character ICD-10-PCS code).</summary>
public sealed record ProcedureCode(string Code, string Description)
{
    public override string ToString() => Code;
}

/// <summary>What a procedure is for; HL7 PR1-6 (table 0230) carries it as the functional type.</summary>
public enum ProcedureCategory
{
    Diagnostic,
    Therapeutic,
    Surgical,
}

/// <summary>
/// One kind of procedure the hospital performs: its SNOMED CT concept, the ICD-10-PCS code an inpatient coder would
/// assign (null when the generator never codes it in PCS), a base cost (Synthea BASE_COST) and whether it is planned
/// care in the sense of the CMS planned-readmission algorithm (chemotherapy, radiotherapy, rehabilitation).
/// </summary>
public sealed record ProcedureDefinition(
    string Key,
    ProcedureCode Snomed,
    ProcedureCode? Icd10Pcs,
    ProcedureCategory Category,
    double BaseCost,
    bool IsPlannedCare = false);
