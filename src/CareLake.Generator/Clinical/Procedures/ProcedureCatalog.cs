namespace CareLake.Generator.Clinical.Procedures;

/// <summary>
/// The procedures the simulated hospital performs, with SNOMED CT concepts and, for inpatient coding, ICD-10-PCS
/// codes. Chemotherapy, radiotherapy and rehabilitation are the planned-care procedures.
/// </summary>
public static class ProcedureCatalog
{
    public static ProcedureDefinition ChestXRay { get; } = new("chest_xray",
        new("399208008", "Plain chest X-ray"), new("BW03ZZZ", "Plain Radiography of Chest"), ProcedureCategory.Diagnostic, 120);

    public static ProcedureDefinition PlainXRay { get; } = new("plain_xray",
        new("168537006", "Plain radiography"), null, ProcedureCategory.Diagnostic, 95);

    public static ProcedureDefinition Electrocardiogram { get; } = new("ecg",
        new("29303009", "Electrocardiographic procedure"), new("4A02X4Z", "Measurement of Cardiac Electrical Activity, External Approach"),
        ProcedureCategory.Diagnostic, 85);

    public static ProcedureDefinition Echocardiography { get; } = new("echo",
        new("40701008", "Echocardiography"), new("B246ZZZ", "Ultrasonography of Right and Left Heart"), ProcedureCategory.Diagnostic, 640);

    public static ProcedureDefinition CtHead { get; } = new("ct_head",
        new("303653007", "Computed tomography of head"), new("BW28ZZZ", "Computerized Tomography (CT Scan) of Head"), ProcedureCategory.Diagnostic, 720);

    public static ProcedureDefinition CardiacCatheterization { get; } = new("cardiac_cath",
        new("41976001", "Cardiac catheterization"), null, ProcedureCategory.Diagnostic, 4_800);

    public static ProcedureDefinition CoronaryIntervention { get; } = new("pci",
        new("415070008", "Percutaneous coronary intervention"),
        new("027034Z", "Dilation of Coronary Artery, One Artery with Drug-eluting Intraluminal Device, Percutaneous Approach"),
        ProcedureCategory.Surgical, 18_500);

    public static ProcedureDefinition UpperEndoscopy { get; } = new("egd",
        new("76009000", "Esophagogastroduodenoscopy"), new("0DJ08ZZ", "Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening Endoscopic"),
        ProcedureCategory.Diagnostic, 1_900);

    public static ProcedureDefinition HipReplacement { get; } = new("hip_replacement",
        new("52734007", "Total replacement of hip"), new("0SR9019", "Replacement of Right Hip Joint with Metal Synthetic Substitute, Cemented, Open Approach"),
        ProcedureCategory.Surgical, 22_000);

    public static ProcedureDefinition KneeReplacement { get; } = new("knee_replacement",
        new("609588000", "Total knee replacement"), new("0SRC0J9", "Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach"),
        ProcedureCategory.Surgical, 21_000);

    public static ProcedureDefinition Appendectomy { get; } = new("appendectomy",
        new("80146002", "Appendectomy"), new("0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach"), ProcedureCategory.Surgical, 9_800);

    public static ProcedureDefinition Colectomy { get; } = new("colectomy",
        new("43075005", "Partial resection of colon"), null, ProcedureCategory.Surgical, 25_000);

    public static ProcedureDefinition Hemodialysis { get; } = new("hemodialysis",
        new("302497006", "Hemodialysis"), new("5A1D70Z", "Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per Day"),
        ProcedureCategory.Therapeutic, 1_100);

    /// <summary>Mechanical ventilation; ICD-10-PCS codes it by duration (<see cref="VentilationPcs"/>).</summary>
    public static ProcedureDefinition MechanicalVentilation { get; } = new("ventilation",
        new("40617009", "Artificial respiration"), new("5A1935Z", "Respiratory Ventilation, Less than 24 Consecutive Hours"), ProcedureCategory.Therapeutic, 3_600);

    public static ProcedureDefinition BloodTransfusion { get; } = new("transfusion",
        new("116859006", "Transfusion of blood product"),
        new("30233N1", "Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, Percutaneous Approach"), ProcedureCategory.Therapeutic, 1_050);

    public static ProcedureDefinition CentralVenousCatheter { get; } = new("cvc",
        new("233527006", "Central venous cannula insertion"),
        new("02HV33Z", "Insertion of Infusion Device into Superior Vena Cava, Percutaneous Approach"), ProcedureCategory.Therapeutic, 1_400);

    public static ProcedureDefinition LacerationRepair { get; } = new("laceration_repair",
        new("288086009", "Suture open wound"), null, ProcedureCategory.Therapeutic, 480);

    public static ProcedureDefinition Splint { get; } = new("splint",
        new("79321009", "Application of splint"), null, ProcedureCategory.Therapeutic, 260);

    public static ProcedureDefinition PhysicalTherapy { get; } = new("physical_therapy",
        new("91251008", "Physical therapy procedure"), null, ProcedureCategory.Therapeutic, 180);

    public static ProcedureDefinition Chemotherapy { get; } = new("chemotherapy",
        new("367336001", "Chemotherapy"), new("3E04305", "Introduction of Other Antineoplastic into Peripheral Vein, Percutaneous Approach"),
        ProcedureCategory.Therapeutic, 5_200, IsPlannedCare: true);

    public static ProcedureDefinition Radiotherapy { get; } = new("radiotherapy",
        new("33195004", "Teleradiotherapy procedure"), null, ProcedureCategory.Therapeutic, 1_600, IsPlannedCare: true);

    public static ProcedureDefinition Rehabilitation { get; } = new("rehabilitation",
        new("52052004", "Rehabilitation therapy"), null, ProcedureCategory.Therapeutic, 240, IsPlannedCare: true);

    public static IReadOnlyList<ProcedureDefinition> All { get; } =
    [
        ChestXRay, PlainXRay, Electrocardiogram, Echocardiography, CtHead, CardiacCatheterization, CoronaryIntervention, UpperEndoscopy,
        HipReplacement, KneeReplacement, Appendectomy, Colectomy, Hemodialysis, MechanicalVentilation, BloodTransfusion,
        CentralVenousCatheter, LacerationRepair, Splint, PhysicalTherapy, Chemotherapy, Radiotherapy, Rehabilitation,
    ];

    /// <summary>ICD-10-PCS codes ventilation by consecutive hours: under 24, 24–96, over 96.</summary>
    public static ProcedureCode VentilationPcs(TimeSpan duration) => duration.TotalHours switch
    {
        < 24 => MechanicalVentilation.Icd10Pcs!,
        <= 96 => new("5A1945Z", "Respiratory Ventilation, 24-96 Consecutive Hours"),
        _ => new("5A1955Z", "Respiratory Ventilation, Greater than 96 Consecutive Hours"),
    };
}
