using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Clinical.Vitals;

/// <summary>The clinical state behind one vital-sign set.</summary>
/// <param name="AcuteResidual">How much of the admitting illness remains: 1 on arrival, falling towards 0.</param>
/// <param name="EpisodeSeverity">0 outside a deterioration episode; rises to 1 at its worst (above 1 when dying).</param>
/// <param name="OxygenPrescribed">The team has the patient on supplemental oxygen regardless of the current SpO2.</param>
internal readonly record struct ClinicalState(
    AcuteProfile Acute,
    double AcuteResidual,
    DeteriorationKind? Episode,
    bool HypothermicSepsis,
    double EpisodeSeverity,
    bool OxygenPrescribed,
    bool DeliriumProne);

/// <summary>The values of one set, already rounded as a device or nurse would record them.</summary>
internal readonly record struct VitalValues(int HeartRate, int RespiratoryRate, int Spo2, bool OnOxygen, int SystolicBp, int DiastolicBp, double Temperature, char Consciousness);

/// <summary>Turns a patient's baseline, illness and deterioration into vital-sign values.</summary>
internal static class VitalSignsModel
{
    public static VitalValues Sample(PhysiologyBaseline baseline, ClinicalState state, PhysiologyDrift drift, DeterministicRandom random)
    {
        var acute = state.Acute;
        var r = 0.85 * state.AcuteResidual;
        var s = state.EpisodeSeverity;
        var episode = state.Episode is { } kind ? EpisodeProfile.For(kind, state.HypothermicSepsis) : null;

        var heartRate = baseline.HeartRate + acute.HeartRate * r + (episode?.HeartRate ?? 0) * s + drift.HeartRate + random.Normal(0, 2);
        var respiratoryRate = baseline.RespiratoryRate + acute.RespiratoryRate * r + (episode?.RespiratoryRate ?? 0) * s + drift.RespiratoryRate + random.Normal(0, 0.7);
        var spo2OnAir = baseline.Spo2 - acute.Spo2Drop * r - (episode?.Spo2Drop ?? 0) * s + drift.Spo2 + random.Normal(0, 0.5);
        var systolic = baseline.SystolicBp + acute.SystolicBp * r + (episode?.SystolicBp ?? 0) * s + drift.SystolicBp + random.Normal(0, 4);
        var temperature = baseline.Temperature + acute.Temperature * r + (episode?.Temperature ?? 0) * s + drift.Temperature + random.Normal(0, 0.08);

        // Oxygen is given to reach the prescribed target: 94–98% on scale 1, 88–92% on scale 2 (clinical.md §1.1).
        var scale2 = baseline.Spo2Scale == 2;
        var target = scale2 ? 88.0 : 92.5;
        var onOxygen = state.OxygenPrescribed || spo2OnAir < target || s > 0.35;
        var spo2 = spo2OnAir;
        if (onOxygen)
        {
            // Oxygen recovers most of the deficit, less so as the lungs fail; scale 2 patients are titrated to 88–92%,
            // overshooting now and then (which NEWS2 scale 2 penalises).
            var recovered = scale2
                ? Math.Max(spo2OnAir, random.Chance(0.12) ? random.Uniform(93, 96) : random.Uniform(88, 92.5))
                : spo2OnAir + Math.Max(0, (96.5 - spo2OnAir) * (0.9 - 0.35 * Math.Min(s, 1))) + random.Normal(0, 0.6);
            spo2 = recovered;
        }

        var consciousness = 'A';
        if (s > 0.6 && random.Chance(Math.Min(0.85, (s - 0.6) * 1.8)))
        {
            var depth = random.NextDouble() * s;
            consciousness = depth < 0.55 ? 'C' : depth < 0.8 ? 'V' : depth < 0.95 ? 'P' : 'U';
        }
        else if (random.Chance(acute.ConfusionProbability * r + (state.DeliriumProne ? 0.008 : 0)))
        {
            consciousness = 'C';
        }

        var sbp = (int)Math.Round(Math.Clamp(systolic, 58, 240));
        var diastolic = (int)Math.Round(Math.Clamp(sbp * baseline.DiastolicRatio + random.Normal(0, 4), 30, Math.Min(130, sbp - 15)));
        return new VitalValues(
            HeartRate: (int)Math.Round(Math.Clamp(heartRate, 32, 210)),
            RespiratoryRate: (int)Math.Round(Math.Clamp(respiratoryRate, 7, 48)),
            Spo2: (int)Math.Round(Math.Clamp(spo2, 62, 100)),
            OnOxygen: onOxygen,
            SystolicBp: sbp,
            DiastolicBp: diastolic,
            Temperature: Math.Round(Math.Clamp(temperature, 33.5, 41.8), 1),
            Consciousness: consciousness);
    }
}
