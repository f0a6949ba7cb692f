using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Clinical.Labs;

/// <summary>The state a specimen reflects: the admitting condition, how far it has resolved, and any deterioration.</summary>
internal readonly record struct LabContext(
    string ConditionKey,
    double AcuteResidual,
    DeteriorationKind? Episode,
    double EpisodeSeverity,
    double HoursSinceAdmission,
    double MyocardialInjuryPeak);

/// <summary>
/// Result values: a healthy mean per analyte, shifted by the patient's chronic conditions (e.g. CKD raises
/// creatinine), by the admitting condition (fading as it resolves) and by deterioration (sepsis raises lactate
/// and white cells, haemorrhage drops haemoglobin).
/// </summary>
internal static class LabValueModel
{
    private static bool Is(LabTest test, LabTest other) => ReferenceEquals(test, other);

    public static double Value(LabTest test, SimulatedPatient patient, LabContext context, DeterministicRandom random)
    {
        var male = patient.Sex == Sex.Male;
        var c = patient.Conditions;
        var r = context.AcuteResidual;
        var s = context.EpisodeSeverity;
        var key = context.ConditionKey;
        var episode = context.Episode;
        bool Has(ChronicCondition condition) => (c & condition) != 0;
        var ckd = Has(ChronicCondition.Renal) ? (patient.ConditionCode(ChronicCondition.Renal)?.Code == "N18.6" ? 5.0 : 2.2) : 1.0;

        double value;
        if (Is(test, LabCatalog.Leukocytes))
        {
            value = random.Normal(7.2, 1.6)
                + r * key switch { "sepsis" => 9, "pneumonia" => 6, "uti" => 4, "cellulitis" => 4, "appendicitis" => 6, "pancreatitis" => 5, "copd" => 2, _ => 0.5 }
                + (episode == DeteriorationKind.SepsisLike ? 10 * s : episode is not null ? 3 * s : 0);
            if (Has(ChronicCondition.Hiv)) value *= 0.7;
        }
        else if (Is(test, LabCatalog.Hemoglobin) || Is(test, LabCatalog.Hematocrit))
        {
            var hgb = random.Normal(male ? 14.6 : 13.1, 1.0)
                - (ckd > 1 ? 1.6 : 0) - (Has(ChronicCondition.Malignancy) ? 1.0 : 0)
                - r * key switch { "gi_bleed" => 4.2, "hip_fracture" => 1.8, "sepsis" => 0.8, _ => 0.2 }
                - (episode == DeteriorationKind.Haemorrhage ? 3.4 * s : 0)
                - Math.Min(context.HoursSinceAdmission / 24, 5) * 0.12; // phlebotomy and haemodilution
            value = Is(test, LabCatalog.Hemoglobin) ? hgb : hgb * 3 + random.Normal(0, 0.8);
        }
        else if (Is(test, LabCatalog.Platelets))
        {
            value = random.Normal(255, 55) - (Has(ChronicCondition.MildLiver) ? 85 : 0) - (Has(ChronicCondition.AlcoholUse) ? 40 : 0)
                - r * (key == "sepsis" ? 70 : 0) - (episode == DeteriorationKind.SepsisLike ? 90 * s : 0);
        }
        else if (Is(test, LabCatalog.Sodium))
        {
            value = random.Normal(139.5, 2) - r * key switch { "hyponatremia" => 15, "heart_failure" => 3, "dka" => 4, "pneumonia" => 2, _ => 0 }
                + r * (key == "aki" ? 2 : 0);
        }
        else if (Is(test, LabCatalog.Potassium))
        {
            value = random.Normal(4.1, 0.3) + (ckd > 1 ? 0.4 : 0)
                + r * key switch { "aki" => 0.9, "dka" => 1.0, "alcohol_withdrawal" => -0.7, "bowel_obstruction" => -0.4, _ => 0 };
        }
        else if (Is(test, LabCatalog.Chloride))
        {
            value = random.Normal(102, 2) - r * (key == "dka" ? 4 : 0);
        }
        else if (Is(test, LabCatalog.Bicarbonate))
        {
            value = random.Normal(25.5, 1.8) - (ckd > 1 ? 2.5 : 0)
                - r * key switch { "dka" => 13, "sepsis" => 3, "aki" => 4, _ => 0 }
                + (Has(ChronicCondition.ChronicPulmonary) && patient.Physiology.Spo2Scale == 2 ? 5 : 0)
                + (episode == DeteriorationKind.RespiratoryFailure ? 5 * s : episode == DeteriorationKind.SepsisLike ? -5 * s : 0);
        }
        else if (Is(test, LabCatalog.UreaNitrogen))
        {
            value = random.Normal(14, 3.5) * (ckd > 1 ? ckd * 1.3 : 1)
                + r * key switch { "gi_bleed" => 18, "aki" => 28, "heart_failure" => 8, "sepsis" => 10, _ => 0 }
                + (episode == DeteriorationKind.Haemorrhage ? 10 * s : 0);
        }
        else if (Is(test, LabCatalog.Creatinine))
        {
            value = random.Normal(male ? 0.98 : 0.78, 0.12) * ckd
                * (1 + r * key switch { "aki" => 1.3, "sepsis" => 0.45, "heart_failure" => 0.25, "dka" => 0.3, _ => 0 })
                * (1 + (episode == DeteriorationKind.SepsisLike ? 0.6 * s : 0));
        }
        else if (Is(test, LabCatalog.Glucose))
        {
            value = random.Normal(96, 10)
                + (Has(ChronicCondition.DiabetesComplicated) ? 75 : Has(ChronicCondition.Diabetes) ? 50 : 0) * (0.6 + 0.8 * random.NextDouble())
                + r * key switch { "dka" => 420, "sepsis" => 30, "pancreatitis" => 40, "stroke" => 20, _ => 8 };
        }
        else if (Is(test, LabCatalog.Calcium))
        {
            value = random.Normal(9.4, 0.35) - r * (key == "pancreatitis" ? 1.0 : 0) - (ckd > 1 ? 0.3 : 0);
        }
        else if (Is(test, LabCatalog.Lactate))
        {
            value = random.LogNormal(1.1, 0.25)
                + r * key switch { "sepsis" => 1.8, "dka" => 1.2, "gi_bleed" => 0.8, "respiratory_failure" => 0.8, _ => 0.1 }
                + (episode == DeteriorationKind.SepsisLike ? 3.6 * s : episode == DeteriorationKind.Haemorrhage ? 2.4 * s : episode is not null ? 1.2 * s : 0);
        }
        else if (Is(test, LabCatalog.TroponinI))
        {
            var baselineTroponin = random.LogNormal(ckd > 1 ? 14 : 4, 0.5);

            // Myocardial injury: troponin peaks about 12–24 h after symptom onset, which precedes arrival by ~3 h.
            var hours = context.HoursSinceAdmission + 3;
            var injury = context.MyocardialInjuryPeak * (hours / 15) * Math.Exp(1 - hours / 15);
            var demand = r * key switch { "sepsis" => 25, "heart_failure" => 30, "pulmonary_embolism" => 40, "afib" => 15, _ => 0 }
                + (episode is not null ? 45 * s : 0);
            value = baselineTroponin + injury + demand;
        }
        else if (Is(test, LabCatalog.Bnp))
        {
            var chronic = Has(ChronicCondition.HeartFailure) ? random.LogNormal(320, 0.5) : random.LogNormal(25 + patient.AgeAtStart * 0.6, 0.5);
            value = chronic * (1 + r * key switch { "heart_failure" => 3.5, "respiratory_failure" => 1.0, "pulmonary_embolism" => 1.5, "afib" => 1.2, _ => 0 })
                * (ckd > 1 ? 1.6 : 1);
        }
        else
        {
            var (low, high) = test.ReferenceRange(patient.Sex);
            value = random.Uniform(low, high);
        }

        var floor = test.Decimals == 0 ? 1 : Math.Pow(10, -test.Decimals);
        return Math.Round(Math.Max(value, floor), test.Decimals, MidpointRounding.AwayFromZero);
    }
}
