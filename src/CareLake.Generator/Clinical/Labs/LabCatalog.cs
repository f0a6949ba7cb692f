using CareLake.Generator.Model;

namespace CareLake.Generator.Clinical.Labs;

/// <summary>
/// One analyte: LOINC code, UCUM unit, reference interval (by sex where it differs), critical limits and how
/// many decimals the analyser reports. Intervals are common adult laboratory reference ranges.
/// </summary>
public sealed record LabTest(
    string Loinc,
    string Name,
    string Unit,
    int Decimals,
    double FemaleLow,
    double FemaleHigh,
    double MaleLow,
    double MaleHigh,
    double CriticalLow,
    double CriticalHigh)
{
    public (double Low, double High) ReferenceRange(Sex sex) => sex == Sex.Male ? (MaleLow, MaleHigh) : (FemaleLow, FemaleHigh);

    public AbnormalFlag Flag(double value, Sex sex)
    {
        var (low, high) = ReferenceRange(sex);
        if (value <= CriticalLow) return AbnormalFlag.CriticalLow;
        if (value >= CriticalHigh) return AbnormalFlag.CriticalHigh;
        if (value < low) return AbnormalFlag.Low;
        if (value > high) return AbnormalFlag.High;
        return AbnormalFlag.Normal;
    }
}

/// <summary>An order: one specimen, one or more analytes resulted together (HL7 OBR, FHIR DiagnosticReport).</summary>
public sealed record LabPanel(string Loinc, string Name, IReadOnlyList<LabTest> Tests);

public static class LabCatalog
{
    public static LabTest Leukocytes { get; } = new("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 1, 4.5, 11.0, 4.5, 11.0, 1.5, 30);
    public static LabTest Hemoglobin { get; } = new("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 1, 12.0, 15.5, 13.5, 17.5, 6.5, 20);
    public static LabTest Hematocrit { get; } = new("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "%", 1, 35.5, 44.9, 38.3, 48.6, 20, 60);
    public static LabTest Platelets { get; } = new("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 0, 150, 400, 150, 400, 20, 1000);
    public static LabTest Sodium { get; } = new("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 0, 135, 145, 135, 145, 120, 160);
    public static LabTest Potassium { get; } = new("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 1, 3.5, 5.1, 3.5, 5.1, 2.8, 6.2);
    public static LabTest Chloride { get; } = new("2075-0", "Chloride [Moles/volume] in Serum or Plasma", "mmol/L", 0, 98, 107, 98, 107, 80, 120);
    public static LabTest Bicarbonate { get; } = new("2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "mmol/L", 0, 22, 29, 22, 29, 10, 40);
    public static LabTest UreaNitrogen { get; } = new("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "mg/dL", 0, 7, 20, 8, 24, 1, 100);
    public static LabTest Creatinine { get; } = new("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 2, 0.59, 1.04, 0.74, 1.35, 0.2, 7.0);
    public static LabTest Glucose { get; } = new("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 0, 70, 99, 70, 99, 40, 500);
    public static LabTest Calcium { get; } = new("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL", 1, 8.6, 10.3, 8.6, 10.3, 6.5, 13);
    public static LabTest Lactate { get; } = new("2524-7", "Lactate [Moles/volume] in Serum or Plasma", "mmol/L", 1, 0.5, 2.2, 0.5, 2.2, 0, 4.0);
    public static LabTest TroponinI { get; } = new("89579-7", "Troponin I.cardiac [Mass/volume] in Serum or Plasma by High sensitivity method", "ng/L", 0, 0, 16, 0, 34, -1, 1000);
    public static LabTest Bnp { get; } = new("30934-4", "Natriuretic peptide B [Mass/volume] in Serum or Plasma", "pg/mL", 0, 0, 100, 0, 100, -1, 5000);

    public static LabPanel CompleteBloodCount { get; } = new("58410-2", "CBC panel - Blood by Automated count", [Leukocytes, Hemoglobin, Hematocrit, Platelets]);

    public static LabPanel BasicMetabolicPanel { get; } = new("51990-0", "Basic metabolic panel - Blood",
        [Sodium, Potassium, Chloride, Bicarbonate, UreaNitrogen, Creatinine, Glucose, Calcium]);

    public static LabPanel LactatePanel { get; } = new(Lactate.Loinc, Lactate.Name, [Lactate]);
    public static LabPanel TroponinPanel { get; } = new(TroponinI.Loinc, TroponinI.Name, [TroponinI]);
    public static LabPanel BnpPanel { get; } = new(Bnp.Loinc, Bnp.Name, [Bnp]);

    public static IReadOnlyList<LabTest> AllTests { get; } =
        [Leukocytes, Hemoglobin, Hematocrit, Platelets, Sodium, Potassium, Chloride, Bicarbonate, UreaNitrogen, Creatinine, Glucose, Calcium, Lactate, TroponinI, Bnp];
}
