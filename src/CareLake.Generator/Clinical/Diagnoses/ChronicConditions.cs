using CareLake.Generator.Randomness;

namespace CareLake.Generator.Clinical.Diagnoses;

/// <summary>
/// Long-standing conditions a patient carries into every visit: the 17 Charlson groups of
/// reference/clinical.md §4 (Quan 2005 ICD-10 coding) plus common comorbidities outside the index.
/// </summary>
[Flags]
public enum ChronicCondition : uint
{
    None = 0,
    MyocardialInfarction = 1 << 0,
    HeartFailure = 1 << 1,
    PeripheralVascular = 1 << 2,
    Cerebrovascular = 1 << 3,
    Dementia = 1 << 4,
    ChronicPulmonary = 1 << 5,
    Rheumatic = 1 << 6,
    PepticUlcer = 1 << 7,
    MildLiver = 1 << 8,
    Diabetes = 1 << 9,
    DiabetesComplicated = 1 << 10,
    Hemiplegia = 1 << 11,
    Renal = 1 << 12,
    Malignancy = 1 << 13,
    SevereLiver = 1 << 14,
    Metastatic = 1 << 15,
    Hiv = 1 << 16,
    Hypertension = 1 << 17,
    Hyperlipidemia = 1 << 18,
    AtrialFibrillation = 1 << 19,
    Obesity = 1 << 20,
    Tobacco = 1 << 21,
    AlcoholUse = 1 << 22,
}

/// <summary>Prevalence, ICD-10-CM codes and Charlson weights of the chronic conditions.</summary>
internal static class ChronicConditions
{
    /// <summary>One condition: its 1987 Charlson weight (0 outside the index), adult prevalence by age band and codes.</summary>
    /// <param name="Prevalence">Share of adults with the condition at ages 18–44, 45–64, 65–79 and 80+.</param>
    internal sealed record Definition(ChronicCondition Condition, int CharlsonWeight, double[] Prevalence, IcdCode[] Codes);

    // Prevalences are rounded figures for US adults (CDC chronic-disease surveillance, NHANES/NHIS orders of
    // magnitude); they only need to make Charlson groups occur at plausible rates, not match a registry.
    public static IReadOnlyList<Definition> All { get; } =
    [
        new(ChronicCondition.MyocardialInfarction, 1, [0.003, 0.025, 0.07, 0.10],
            [new("I25.2", "Old myocardial infarction")]),
        new(ChronicCondition.HeartFailure, 1, [0.002, 0.015, 0.055, 0.11],
        [
            new("I50.22", "Chronic systolic (congestive) heart failure"),
            new("I50.32", "Chronic diastolic (congestive) heart failure"),
            new("I50.42", "Chronic combined systolic (congestive) and diastolic (congestive) heart failure"),
            new("I11.0", "Hypertensive heart disease with heart failure"),
        ]),
        new(ChronicCondition.PeripheralVascular, 1, [0.002, 0.015, 0.045, 0.07],
        [
            new("I73.9", "Peripheral vascular disease, unspecified"),
            new("I70.213", "Atherosclerosis of native arteries of extremities with intermittent claudication, bilateral legs"),
        ]),
        new(ChronicCondition.Cerebrovascular, 1, [0.004, 0.02, 0.06, 0.10],
        [
            new("I69.30", "Unspecified sequelae of cerebral infarction"),
            new("G45.9", "Transient cerebral ischemic attack, unspecified"),
            new("I67.2", "Cerebral atherosclerosis"),
        ]),
        new(ChronicCondition.Dementia, 1, [0.0, 0.003, 0.03, 0.13],
        [
            new("F03.90", "Unspecified dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety"),
            new("G30.9", "Alzheimer's disease, unspecified"),
            new("F01.50", "Vascular dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety"),
        ]),
        new(ChronicCondition.ChronicPulmonary, 1, [0.07, 0.09, 0.13, 0.14],
        [
            new("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
            new("J45.909", "Unspecified asthma, uncomplicated"),
            new("J43.9", "Emphysema, unspecified"),
        ]),
        new(ChronicCondition.Rheumatic, 1, [0.005, 0.015, 0.025, 0.03],
        [
            new("M06.9", "Rheumatoid arthritis, unspecified"),
            new("M32.9", "Systemic lupus erythematosus, unspecified"),
            new("M35.3", "Polymyalgia rheumatica"),
        ]),
        new(ChronicCondition.PepticUlcer, 1, [0.002, 0.006, 0.012, 0.018],
        [
            new("K25.9", "Gastric ulcer, unspecified as acute or chronic, without hemorrhage or perforation"),
            new("K27.9", "Peptic ulcer, site unspecified, unspecified as acute or chronic, without hemorrhage or perforation"),
        ]),
        new(ChronicCondition.MildLiver, 1, [0.008, 0.02, 0.02, 0.015],
        [
            new("K74.60", "Unspecified cirrhosis of liver"),
            new("K70.30", "Alcoholic cirrhosis of liver without ascites"),
            new("B18.2", "Chronic viral hepatitis C"),
            new("K76.0", "Fatty (change of) liver, not elsewhere classified"),
        ]),
        new(ChronicCondition.Diabetes, 1, [0.025, 0.09, 0.14, 0.12],
        [
            new("E11.9", "Type 2 diabetes mellitus without complications"),
            new("E10.9", "Type 1 diabetes mellitus without complications"),
        ]),
        new(ChronicCondition.DiabetesComplicated, 2, [0.005, 0.03, 0.07, 0.07],
        [
            new("E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease"),
            new("E11.40", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"),
            new("E11.319", "Type 2 diabetes mellitus with unspecified diabetic retinopathy without macular edema"),
            new("E11.51", "Type 2 diabetes mellitus with diabetic peripheral angiopathy without gangrene"),
        ]),
        new(ChronicCondition.Hemiplegia, 2, [0.001, 0.003, 0.006, 0.008],
        [
            new("G81.90", "Hemiplegia, unspecified affecting unspecified side"),
            new("G82.20", "Paraplegia, unspecified"),
        ]),
        new(ChronicCondition.Renal, 2, [0.004, 0.025, 0.08, 0.15],
        [
            new("N18.30", "Chronic kidney disease, stage 3 unspecified"),
            new("N18.4", "Chronic kidney disease, stage 4 (severe)"),
            new("N18.6", "End stage renal disease"),
        ]),
        new(ChronicCondition.Malignancy, 2, [0.005, 0.03, 0.07, 0.09],
        [
            new("C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung"),
            new("C18.9", "Malignant neoplasm of colon, unspecified"),
            new("C25.9", "Malignant neoplasm of pancreas, unspecified"),
            new("C83.30", "Diffuse large B-cell lymphoma, unspecified site"),
            new("C50.911", "Malignant neoplasm of unspecified site of right female breast"),
            new("C61", "Malignant neoplasm of prostate"),
        ]),
        new(ChronicCondition.SevereLiver, 3, [0.0005, 0.003, 0.004, 0.003],
        [
            new("K72.90", "Hepatic failure, unspecified without coma"),
            new("I85.00", "Esophageal varices without bleeding"),
            new("K76.6", "Portal hypertension"),
        ]),
        new(ChronicCondition.Metastatic, 6, [0.0005, 0.004, 0.01, 0.012],
        [
            new("C78.00", "Secondary malignant neoplasm of unspecified lung"),
            new("C79.51", "Secondary malignant neoplasm of bone"),
            new("C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
            new("C79.31", "Secondary malignant neoplasm of brain"),
        ]),
        new(ChronicCondition.Hiv, 6, [0.004, 0.005, 0.003, 0.001],
            [new("B20", "Human immunodeficiency virus [HIV] disease")]),
        new(ChronicCondition.Hypertension, 0, [0.12, 0.40, 0.62, 0.70],
            [new("I10", "Essential (primary) hypertension")]),
        new(ChronicCondition.Hyperlipidemia, 0, [0.08, 0.30, 0.45, 0.40],
            [new("E78.5", "Hyperlipidemia, unspecified")]),
        new(ChronicCondition.AtrialFibrillation, 0, [0.002, 0.015, 0.07, 0.15],
            [new("I48.91", "Unspecified atrial fibrillation")]),
        new(ChronicCondition.Obesity, 0, [0.30, 0.38, 0.33, 0.20],
            [new("E66.9", "Obesity, unspecified")]),
        new(ChronicCondition.Tobacco, 0, [0.13, 0.14, 0.09, 0.04],
            [new("F17.210", "Nicotine dependence, cigarettes, uncomplicated")]),
        new(ChronicCondition.AlcoholUse, 0, [0.04, 0.04, 0.025, 0.01],
            [new("F10.20", "Alcohol dependence, uncomplicated")]),
    ];

    public static IcdCode DialysisDependence { get; } = new("Z99.2", "Dependence on renal dialysis");

    public static int AgeBand(int age) => age switch
    {
        < 45 => 0,
        < 65 => 1,
        < 80 => 2,
        _ => 3,
    };

    /// <summary>Draws a patient's conditions. A latent frailty makes conditions cluster, as they do.</summary>
    public static ChronicCondition Draw(int age, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var band = AgeBand(age);
        var frailty = Math.Exp(0.6 * random.Gaussian() - 0.18);
        var conditions = ChronicCondition.None;
        foreach (var definition in All)
        {
            var p = definition.Prevalence[band] * (definition.CharlsonWeight > 0 ? frailty : 1.0);
            if (random.Chance(Math.Min(p, 0.9)))
            {
                conditions |= definition.Condition;
            }
        }

        // The two diabetes groups are exclusive; metastatic disease implies a primary tumour;
        // severe liver disease grows out of mild; heart failure often follows a myocardial infarction.
        if ((conditions & ChronicCondition.DiabetesComplicated) != 0) conditions &= ~ChronicCondition.Diabetes;
        if ((conditions & ChronicCondition.Metastatic) != 0) conditions |= ChronicCondition.Malignancy;
        if ((conditions & ChronicCondition.SevereLiver) != 0) conditions |= ChronicCondition.MildLiver;
        if ((conditions & ChronicCondition.MyocardialInfarction) != 0 && random.Chance(0.2)) conditions |= ChronicCondition.HeartFailure;
        if ((conditions & ChronicCondition.DiabetesComplicated) != 0 && random.Chance(0.25)) conditions |= ChronicCondition.Renal;
        return conditions;
    }

    /// <summary>The code a patient carries for a condition, fixed for life (sex-specific cancers respected).</summary>
    public static IcdCode CodeFor(ChronicCondition condition, Model.Sex sex, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var definition = All.First(d => d.Condition == condition);
        var codes = definition.Codes.Where(c => sex switch
        {
            Model.Sex.Male => c.Code != "C50.911",
            Model.Sex.Female => c.Code != "C61",
            _ => c.Code is not ("C50.911" or "C61"),
        }).ToArray();
        return codes[random.Next(codes.Length)];
    }

    /// <summary>Charlson comorbidity index, 1987 weights with the hierarchy rule of clinical.md §4.</summary>
    public static int CharlsonIndex(ChronicCondition conditions)
    {
        if ((conditions & ChronicCondition.SevereLiver) != 0) conditions &= ~ChronicCondition.MildLiver;
        if ((conditions & ChronicCondition.DiabetesComplicated) != 0) conditions &= ~ChronicCondition.Diabetes;
        if ((conditions & ChronicCondition.Metastatic) != 0) conditions &= ~ChronicCondition.Malignancy;
        var score = 0;
        foreach (var definition in All)
        {
            if ((conditions & definition.Condition) != 0) score += definition.CharlsonWeight;
        }

        return score;
    }
}
