using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Encounters;

namespace CareLake.Generator.Clinical.Diagnoses;

/// <summary>How an illness can go wrong during a stay (the three episode shapes of the vitals model).</summary>
public enum DeteriorationKind
{
    SepsisLike,
    RespiratoryFailure,
    Haemorrhage,
}

/// <summary>The reason for a visit and what it does to the stay: mix weight, LOS, mortality, deterioration, readmission.</summary>
internal sealed record PrincipalCondition
{
    public required string Key { get; init; }
    public required IcdCode[] Codes { get; init; }

    /// <summary>Relative frequency among visits of its class before age, season and comorbidity.</summary>
    public required double Weight { get; init; }

    public ChronicCondition Affinity { get; init; }

    /// <summary>Weight multiplier when the patient has <see cref="Affinity"/>; without it the weight is divided by it when required.</summary>
    public double AffinityBoost { get; init; } = 1;

    public bool RequiresAffinity { get; init; }

    /// <summary>Winter peak amplitude: weight × (1 + a·cos(season)).</summary>
    public double SeasonalAmplitude { get; init; }

    public Func<int, double> AgeWeight { get; init; } = static _ => 1;

    public double LosMedianDays { get; init; } = 3;
    public double LosSigma { get; init; } = 0.7;
    public double Mortality { get; init; }
    public DeteriorationKind Deterioration { get; init; } = DeteriorationKind.SepsisLike;
    public double DeteriorationRate { get; init; }

    /// <summary>Condition-specific 30-day unplanned readmission risk before patient factors (CMS national rates for HF, COPD, pneumonia, AMI).</summary>
    public double ReadmissionRisk { get; init; } = 0.12;

    public string Service { get; init; } = "MED";
    public UnitKind Unit { get; init; } = UnitKind.MedSurg;
    public double DirectIcuRate { get; init; }
    public bool Elective { get; init; }
    public AcuteProfile Acute { get; init; } = AcuteProfile.None;

    /// <summary>Secondary diagnoses that often come with this one, present on admission.</summary>
    public (IcdCode Code, double Probability)[] Secondaries { get; init; } = [];
}

internal static class Icd
{
    public static readonly IcdCode Sepsis = new("A41.9", "Sepsis, unspecified organism");
    public static readonly IcdCode SevereSepsis = new("R65.20", "Severe sepsis without septic shock");
    public static readonly IcdCode SepticShock = new("R65.21", "Severe sepsis with septic shock");
    public static readonly IcdCode Pneumonia = new("J18.9", "Pneumonia, unspecified organism");
    public static readonly IcdCode Uti = new("N39.0", "Urinary tract infection, site not specified");
    public static readonly IcdCode Dehydration = new("E86.0", "Dehydration");
    public static readonly IcdCode Aki = new("N17.9", "Acute kidney failure, unspecified");
    public static readonly IcdCode Hyponatremia = new("E87.1", "Hypo-osmolality and hyponatremia");
    public static readonly IcdCode Hypokalemia = new("E87.6", "Hypokalemia");
    public static readonly IcdCode Hyperkalemia = new("E87.5", "Hyperkalemia");
    public static readonly IcdCode Acidosis = new("E87.20", "Acidosis, unspecified");
    public static readonly IcdCode HypoxicRespiratoryFailure = new("J96.01", "Acute respiratory failure with hypoxia");
    public static readonly IcdCode HypercapnicRespiratoryFailure = new("J96.02", "Acute respiratory failure with hypercapnia");
    public static readonly IcdCode Aspiration = new("J69.0", "Pneumonitis due to inhalation of food and vomit");
    public static readonly IcdCode AcuteBloodLossAnemia = new("D62", "Acute posthemorrhagic anemia");
    public static readonly IcdCode GiHemorrhage = new("K92.2", "Gastrointestinal hemorrhage, unspecified");
    public static readonly IcdCode Disorientation = new("R41.0", "Disorientation, unspecified");
    public static readonly IcdCode CoronaryDisease = new("I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris");
    public static readonly IcdCode Aphasia = new("R47.01", "Aphasia");
    public static readonly IcdCode Dysphagia = new("R13.10", "Dysphagia, unspecified");
    public static readonly IcdCode Fall = new("W19.XXXA", "Unspecified fall, initial encounter");
    public static readonly IcdCode DeepVeinThrombosis = new("I82.401", "Acute embolism and thrombosis of unspecified deep veins of right lower extremity");
    public static readonly IcdCode PressureUlcer = new("L89.152", "Pressure ulcer of sacral region, stage 2");
}

/// <summary>
/// Principal diagnoses of inpatient stays, emergency visits and observation stays. Weights follow the order of the
/// most frequent adult principal diagnoses in US community hospitals (HCUP statistical briefs); LOS medians,
/// mortality and readmission risks are rounded national figures (clinical.md §5.4, §6).
/// </summary>
internal static class PrincipalConditions
{
    private static double Older(int age) => age >= 70 ? 1.5 : age >= 50 ? 1.0 : 0.5;

    public static IReadOnlyList<PrincipalCondition> Inpatient { get; } =
    [
        new()
        {
            Key = "sepsis", Codes = [Icd.Sepsis], Weight = 10, SeasonalAmplitude = 0.15, AgeWeight = Older,
            LosMedianDays = 4.4, LosSigma = 0.75, Mortality = 0.09, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.14,
            ReadmissionRisk = 0.17, DirectIcuRate = 0.12,
            Acute = new(22, 4, 2, -16, 1.2, 0.3, 0.08),
            Secondaries = [(Icd.Uti, 0.35), (Icd.Pneumonia, 0.3), (Icd.SevereSepsis, 0.35), (Icd.Dehydration, 0.3), (Icd.Aki, 0.25)],
        },
        new()
        {
            Key = "heart_failure",
            Codes =
            [
                new("I50.23", "Acute on chronic systolic (congestive) heart failure"),
                new("I50.33", "Acute on chronic diastolic (congestive) heart failure"),
                new("I50.9", "Heart failure, unspecified"),
            ],
            Weight = 3, Affinity = ChronicCondition.HeartFailure, AffinityBoost = 14, SeasonalAmplitude = 0.12, AgeWeight = Older,
            LosMedianDays = 3.7, Mortality = 0.03, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.06,
            ReadmissionRisk = 0.22, Service = "CAR", Unit = UnitKind.Telemetry, DirectIcuRate = 0.04,
            Acute = new(10, 5, 4, 6, 0, 0.55, 0.03),
            Secondaries = [(Icd.Aki, 0.2), (Icd.Hyponatremia, 0.1), (Icd.HypoxicRespiratoryFailure, 0.08)],
        },
        new()
        {
            Key = "pneumonia",
            Codes = [Icd.Pneumonia, new("J15.9", "Unspecified bacterial pneumonia")],
            Weight = 6, Affinity = ChronicCondition.ChronicPulmonary, AffinityBoost = 2, SeasonalAmplitude = 0.45, AgeWeight = Older,
            LosMedianDays = 3.6, Mortality = 0.035, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.08,
            ReadmissionRisk = 0.165, Service = "PUL", DirectIcuRate = 0.04,
            Acute = new(13, 5, 4, -4, 1.1, 0.5, 0.05),
            Secondaries = [(Icd.HypoxicRespiratoryFailure, 0.18), (Icd.Dehydration, 0.2), (Icd.Hyponatremia, 0.08)],
        },
        new()
        {
            Key = "copd",
            Codes =
            [
                new("J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation"),
                new("J44.0", "Chronic obstructive pulmonary disease with (acute) lower respiratory infection"),
            ],
            Weight = 1.2, Affinity = ChronicCondition.ChronicPulmonary, AffinityBoost = 9, RequiresAffinity = true, SeasonalAmplitude = 0.4, AgeWeight = Older,
            LosMedianDays = 3.2, Mortality = 0.012, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.07,
            ReadmissionRisk = 0.195, Service = "PUL", DirectIcuRate = 0.04,
            Acute = new(12, 6, 4, 0, 0.2, 0.65, 0.02),
            Secondaries = [(Icd.HypercapnicRespiratoryFailure, 0.15), (Icd.HypoxicRespiratoryFailure, 0.08)],
        },
        new()
        {
            Key = "ami",
            Codes =
            [
                new("I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"),
                new("I21.09", "ST elevation (STEMI) myocardial infarction involving other coronary artery of anterior wall"),
            ],
            Weight = 3.5, Affinity = ChronicCondition.MyocardialInfarction, AffinityBoost = 2.5, AgeWeight = Older,
            LosMedianDays = 2.9, Mortality = 0.045, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.05,
            ReadmissionRisk = 0.16, Service = "CAR", Unit = UnitKind.Telemetry, DirectIcuRate = 0.15,
            Acute = new(9, 2, 1, -4, 0, 0.15, 0.02),
            Secondaries = [(Icd.CoronaryDisease, 0.6)],
        },
        new()
        {
            Key = "stroke", Codes = [new("I63.9", "Cerebral infarction, unspecified")],
            Weight = 3.5, Affinity = ChronicCondition.Cerebrovascular, AffinityBoost = 2, AgeWeight = Older,
            LosMedianDays = 3.5, Mortality = 0.05, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.03,
            ReadmissionRisk = 0.12, Service = "NEU", DirectIcuRate = 0.08,
            Acute = new(2, 1, 0, 22, 0, 0.05, 0.2),
            Secondaries = [(Icd.Aphasia, 0.3), (Icd.Dysphagia, 0.25)],
        },
        new()
        {
            Key = "uti", Codes = [Icd.Uti], Weight = 3.5, AgeWeight = Older,
            LosMedianDays = 3.1, Mortality = 0.01, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.04,
            ReadmissionRisk = 0.14,
            Acute = new(10, 2, 0, -5, 0.9, 0.05, 0.1),
            Secondaries = [(Icd.Dehydration, 0.3), (Icd.Disorientation, 0.12)],
        },
        new()
        {
            Key = "aki", Codes = [Icd.Aki], Weight = 3, Affinity = ChronicCondition.Renal, AffinityBoost = 2.5, AgeWeight = Older,
            LosMedianDays = 3.3, Mortality = 0.03, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.03,
            ReadmissionRisk = 0.17,
            Acute = new(5, 1, 0, -8, 0, 0.05, 0.03),
            Secondaries = [(Icd.Dehydration, 0.35), (Icd.Hyperkalemia, 0.2)],
        },
        new()
        {
            Key = "gi_bleed",
            Codes = [Icd.GiHemorrhage, new("K25.4", "Chronic or unspecified gastric ulcer with hemorrhage")],
            Weight = 2.5, Affinity = ChronicCondition.PepticUlcer | ChronicCondition.SevereLiver, AffinityBoost = 3, AgeWeight = Older,
            LosMedianDays = 3.1, Mortality = 0.025, Deterioration = DeteriorationKind.Haemorrhage, DeteriorationRate = 0.1,
            ReadmissionRisk = 0.15, DirectIcuRate = 0.08,
            Acute = new(16, 2, 0, -14, 0, 0.05, 0.02),
            Secondaries = [(Icd.AcuteBloodLossAnemia, 0.6)],
        },
        new()
        {
            Key = "afib", Codes = [new("I48.91", "Unspecified atrial fibrillation")],
            Weight = 1.5, Affinity = ChronicCondition.AtrialFibrillation, AffinityBoost = 4, AgeWeight = Older,
            LosMedianDays = 2.4, Mortality = 0.005, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.02,
            ReadmissionRisk = 0.13, Service = "CAR", Unit = UnitKind.Telemetry, DirectIcuRate = 0.02,
            Acute = new(38, 2, 0, -4, 0, 0.05, 0.01),
            Secondaries = [(Icd.Hypokalemia, 0.1)],
        },
        new()
        {
            Key = "cellulitis",
            Codes = [new("L03.115", "Cellulitis of right lower limb"), new("L03.116", "Cellulitis of left lower limb")],
            Weight = 2.5, Affinity = ChronicCondition.Diabetes | ChronicCondition.DiabetesComplicated | ChronicCondition.Obesity, AffinityBoost = 1.5,
            LosMedianDays = 3.3, Mortality = 0.003, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.02,
            ReadmissionRisk = 0.1,
            Acute = new(8, 1, 0, 0, 0.8, 0.02, 0.01),
        },
        new()
        {
            Key = "dka", Codes = [new("E11.10", "Type 2 diabetes mellitus with ketoacidosis without coma")],
            Weight = 1.5, Affinity = ChronicCondition.Diabetes | ChronicCondition.DiabetesComplicated, AffinityBoost = 1, RequiresAffinity = true,
            AgeWeight = static age => age < 50 ? 2 : 0.7,
            LosMedianDays = 2.6, Mortality = 0.005, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.03,
            ReadmissionRisk = 0.18, DirectIcuRate = 0.25,
            Acute = new(20, 8, 0, -8, 0, 0.02, 0.08),
            Secondaries = [(Icd.Dehydration, 0.5), (Icd.Acidosis, 0.3)],
        },
        new()
        {
            Key = "pancreatitis", Codes = [new("K85.90", "Acute pancreatitis without necrosis or infection, unspecified")],
            Weight = 1.8, Affinity = ChronicCondition.AlcoholUse, AffinityBoost = 3,
            LosMedianDays = 3.6, Mortality = 0.01, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.06,
            ReadmissionRisk = 0.15, DirectIcuRate = 0.05,
            Acute = new(15, 3, 1, -4, 0.6, 0.1, 0.02),
            Secondaries = [(Icd.Dehydration, 0.3)],
        },
        new()
        {
            Key = "hip_fracture",
            Codes = [new("S72.001A", "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture")],
            Weight = 2, AgeWeight = static age => age < 60 ? 0.05 : age < 75 ? 0.6 : 3,
            LosMedianDays = 4.5, LosSigma = 0.55, Mortality = 0.025, Deterioration = DeteriorationKind.Haemorrhage, DeteriorationRate = 0.04,
            ReadmissionRisk = 0.12, Service = "ORT", Unit = UnitKind.Surgical,
            Acute = new(8, 1, 0, 6, 0.2, 0.1, 0.06),
            Secondaries = [(Icd.Fall, 0.8), (Icd.AcuteBloodLossAnemia, 0.2)],
        },
        new()
        {
            Key = "appendicitis", Codes = [new("K35.80", "Unspecified acute appendicitis")],
            Weight = 1.5, AgeWeight = static age => age < 40 ? 3 : age < 60 ? 1.5 : 0.5,
            LosMedianDays = 1.8, LosSigma = 0.5, Mortality = 0.0005, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.01,
            ReadmissionRisk = 0.04, Service = "SUR", Unit = UnitKind.Surgical,
            Acute = new(10, 1, 0, 0, 0.7, 0.02, 0),
        },
        new()
        {
            Key = "bowel_obstruction",
            Codes = [new("K56.609", "Unspecified intestinal obstruction, unspecified as to partial versus complete obstruction")],
            Weight = 1.5, AgeWeight = Older,
            LosMedianDays = 4.0, Mortality = 0.02, Deterioration = DeteriorationKind.SepsisLike, DeteriorationRate = 0.04,
            ReadmissionRisk = 0.14, Service = "SUR", Unit = UnitKind.Surgical,
            Acute = new(10, 2, 0, 0, 0.3, 0.02, 0.01),
            Secondaries = [(Icd.Dehydration, 0.4), (Icd.Hypokalemia, 0.2)],
        },
        new()
        {
            Key = "respiratory_failure", Codes = [Icd.HypoxicRespiratoryFailure],
            Weight = 1.5, Affinity = ChronicCondition.ChronicPulmonary | ChronicCondition.HeartFailure, AffinityBoost = 3, AgeWeight = Older,
            LosMedianDays = 4.8, Mortality = 0.11, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.18,
            ReadmissionRisk = 0.19, Service = "PUL", DirectIcuRate = 0.35,
            Acute = new(16, 8, 8, 0, 0.3, 1.0, 0.06),
            Secondaries = [(Icd.Pneumonia, 0.3)],
        },
        new()
        {
            Key = "alcohol_withdrawal", Codes = [new("F10.239", "Alcohol dependence with withdrawal, unspecified")],
            Weight = 0.4, Affinity = ChronicCondition.AlcoholUse, AffinityBoost = 25, AgeWeight = static age => age < 65 ? 1.5 : 0.5,
            LosMedianDays = 3.3, Mortality = 0.005, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.04,
            ReadmissionRisk = 0.18, DirectIcuRate = 0.05,
            Acute = new(20, 2, 0, 14, 0.5, 0.02, 0.3),
            Secondaries = [(Icd.Hypokalemia, 0.2)],
        },
        new()
        {
            Key = "pulmonary_embolism", Codes = [new("I26.99", "Other pulmonary embolism without acute cor pulmonale")],
            Weight = 1.2, Affinity = ChronicCondition.Malignancy, AffinityBoost = 2,
            LosMedianDays = 3.1, Mortality = 0.03, Deterioration = DeteriorationKind.RespiratoryFailure, DeteriorationRate = 0.06,
            ReadmissionRisk = 0.13, Service = "PUL", Unit = UnitKind.Telemetry, DirectIcuRate = 0.06,
            Acute = new(18, 5, 4, -4, 0.2, 0.45, 0.01),
            Secondaries = [(Icd.DeepVeinThrombosis, 0.4)],
        },
        new()
        {
            Key = "knee_replacement", Codes = [new("M17.11", "Unilateral primary osteoarthritis, right knee")],
            Weight = 2, Elective = true, AgeWeight = static age => age is >= 55 and <= 80 ? 1.5 : 0.15,
            LosMedianDays = 1.9, LosSigma = 0.4, Mortality = 0.0005, Deterioration = DeteriorationKind.Haemorrhage, DeteriorationRate = 0.01,
            ReadmissionRisk = 0.05, Service = "ORT", Unit = UnitKind.Surgical,
            Acute = new(4, 0, 0, 4, 0.4, 0.05, 0),
        },
        new()
        {
            Key = "hyponatremia", Codes = [Icd.Hyponatremia], Weight = 1.2, AgeWeight = Older,
            LosMedianDays = 3.0, Mortality = 0.01, DeteriorationRate = 0.01, ReadmissionRisk = 0.15,
            Acute = new(3, 0, 0, -4, 0, 0.02, 0.15),
            Secondaries = [(Icd.Dehydration, 0.3)],
        },
        new()
        {
            Key = "syncope", Codes = [new("R55", "Syncope and collapse")], Weight = 1, AgeWeight = Older,
            LosMedianDays = 2.1, LosSigma = 0.5, Mortality = 0.005, Deterioration = DeteriorationKind.Haemorrhage, DeteriorationRate = 0.01,
            ReadmissionRisk = 0.12, Service = "CAR", Unit = UnitKind.Telemetry,
            Acute = new(0, 0, 0, -10, 0, 0, 0.02),
            Secondaries = [(Icd.Dehydration, 0.2)],
        },
        new()
        {
            Key = "colon_cancer_surgery", Codes = [new("C18.9", "Malignant neoplasm of colon, unspecified")],
            Weight = 0.3, Affinity = ChronicCondition.Malignancy, AffinityBoost = 12, RequiresAffinity = true, Elective = true, AgeWeight = Older,
            LosMedianDays = 4.8, LosSigma = 0.5, Mortality = 0.02, Deterioration = DeteriorationKind.Haemorrhage, DeteriorationRate = 0.05,
            ReadmissionRisk = 0.15, Service = "SUR", Unit = UnitKind.Surgical,
            Acute = new(6, 1, 0, 0, 0.3, 0.1, 0.02),
        },
    ];

    /// <summary>Emergency department treat-and-release visits.</summary>
    public static IReadOnlyList<PrincipalCondition> Emergency { get; } =
    [
        Visit("chest_pain", new("R07.9", "Chest pain, unspecified"), 10, new(8, 1, 0, 8, 0, 0, 0), Older),
        Visit("abdominal_pain", new("R10.9", "Unspecified abdominal pain"), 10, new(6, 1, 0, 4, 0.1, 0, 0)),
        Visit("ankle_sprain", new("S93.401A", "Sprain of unspecified ligament of right ankle, initial encounter"), 5, new(4, 0, 0, 4, 0, 0, 0), static a => a < 50 ? 2 : 0.5),
        Visit("uri", new("J06.9", "Acute upper respiratory infection, unspecified"), 6, new(8, 2, 1, 0, 0.6, 0, 0), seasonal: 0.5),
        Visit("head_laceration", new("S01.81XA", "Laceration without foreign body of other part of head, initial encounter"), 4, new(6, 0, 0, 6, 0, 0, 0)),
        Visit("back_pain", new("M54.50", "Low back pain, unspecified"), 6, new(4, 0, 0, 6, 0, 0, 0)),
        Visit("headache", new("R51.9", "Headache, unspecified"), 4, new(2, 0, 0, 8, 0, 0, 0)),
        Visit("uti", Icd.Uti, 4, new(8, 1, 0, 0, 0.5, 0, 0)),
        Visit("nausea", new("R11.2", "Nausea with vomiting, unspecified"), 4, new(8, 0, 0, -4, 0.1, 0, 0)),
        Visit("gastroenteritis", new("K52.9", "Noninfective gastroenteritis and colitis, unspecified"), 3, new(8, 0, 0, -4, 0.3, 0, 0)),
        Visit("anxiety", new("F41.9", "Anxiety disorder, unspecified"), 3, new(14, 4, 0, 10, 0, 0, 0), static a => a < 50 ? 2 : 0.6),
        Visit("dizziness", new("R42", "Dizziness and giddiness"), 3, new(0, 0, 0, -2, 0, 0, 0), Older),
        Visit("wrist_fracture", new("S52.501A", "Unspecified fracture of the lower end of right radius, initial encounter for closed fracture"), 2, new(8, 0, 0, 8, 0, 0, 0)),
        Visit("allergy", new("T78.40XA", "Allergy, unspecified, initial encounter"), 2, new(6, 1, 0, 0, 0, 0, 0)),
        Visit("fever", new("R50.9", "Fever, unspecified"), 2, new(10, 2, 0, 0, 1.2, 0, 0), seasonal: 0.4),
        Visit("dental_pain", new("K08.89", "Other specified disorders of teeth and supporting structures"), 2, new(4, 0, 0, 4, 0.1, 0, 0), static a => a < 60 ? 1.5 : 0.4),
        new PrincipalCondition
        {
            Key = "asthma", Codes = [new("J45.901", "Unspecified asthma with (acute) exacerbation")], Weight = 4,
            Affinity = ChronicCondition.ChronicPulmonary, RequiresAffinity = true, AffinityBoost = 1, SeasonalAmplitude = 0.3,
            Acute = new(12, 5, 3, 0, 0, 0.3, 0),
        },
    ];

    /// <summary>Observation stays (outpatient by class, in an observation bed for up to two days).</summary>
    public static IReadOnlyList<PrincipalCondition> Observation { get; } =
    [
        Visit("chest_pain", new("R07.9", "Chest pain, unspecified"), 10, new(6, 1, 0, 8, 0, 0.02, 0), Older),
        Visit("other_chest_pain", new("R07.89", "Other chest pain"), 4, new(6, 1, 0, 6, 0, 0.02, 0), Older),
        Visit("syncope", new("R55", "Syncope and collapse"), 5, new(0, 0, 0, -8, 0, 0, 0.01), Older),
        Visit("abdominal_pain", new("R10.9", "Unspecified abdominal pain"), 4, new(6, 1, 0, 4, 0.2, 0, 0)),
        Visit("dehydration", Icd.Dehydration, 3, new(10, 1, 0, -8, 0.2, 0, 0.02), Older),
        Visit("dyspnea", new("R06.02", "Shortness of breath"), 3, new(8, 4, 2, 0, 0, 0.2, 0), Older, 0.3),
        Visit("tia", new("G45.9", "Transient cerebral ischemic attack, unspecified"), 2, new(2, 0, 0, 16, 0, 0, 0.05), Older),
        Visit("dizziness", new("R42", "Dizziness and giddiness"), 2, new(0, 0, 0, -4, 0, 0, 0), Older),
    ];

    private static PrincipalCondition Visit(string key, IcdCode code, double weight, AcuteProfile acute, Func<int, double>? ageWeight = null, double seasonal = 0) =>
        new()
        {
            Key = key,
            Codes = [code],
            Weight = weight,
            Acute = acute,
            AgeWeight = ageWeight ?? (static _ => 1),
            SeasonalAmplitude = seasonal,
            LosMedianDays = 0.9,
            LosSigma = 0.35,
            ReadmissionRisk = 0,
        };

    public static double SelectionWeight(PrincipalCondition condition, ChronicCondition patientConditions, int age, double seasonCosine)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var has = condition.Affinity != ChronicCondition.None && (patientConditions & condition.Affinity) != 0;
        var weight = condition.Weight * condition.AgeWeight(age) * (1 + condition.SeasonalAmplitude * seasonCosine);
        if (has) weight *= condition.AffinityBoost;
        else if (condition.RequiresAffinity) weight *= 0.02;
        return weight;
    }
}
