using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Encounters;

/// <summary>
/// Where patients go when they leave alive. Shares follow national discharge-status patterns (most go home; post-acute
/// care rises steeply with age), shifted by the condition (hip fractures to rehab or SNF, metastatic cancer to hospice).
/// </summary>
internal static class DispositionModel
{
    public static DischargeDisposition ForInpatient(SimulatedPatient patient, PrincipalCondition condition, bool hadIcu, DeterministicRandom random)
    {
        var age = patient.AgeAtStart;
        var (home, homeHealth, snf, rehab, transfer, hospice, other) = age switch
        {
            < 65 => (0.80, 0.10, 0.03, 0.015, 0.025, 0.005, 0.025),
            < 80 => (0.57, 0.20, 0.14, 0.03, 0.02, 0.02, 0.02),
            _ => (0.39, 0.24, 0.26, 0.04, 0.015, 0.045, 0.01),
        };
        if (condition.Key == "hip_fracture") (snf, rehab, home) = (snf + 0.35, rehab + 0.2, home * 0.3);
        if (condition.Key == "stroke") (rehab, snf) = (rehab + 0.15, snf + 0.05);
        if (condition.Key == "knee_replacement") (homeHealth, rehab) = (homeHealth + 0.3, rehab + 0.05);
        if ((patient.Conditions & ChronicCondition.Metastatic) != 0) hospice += 0.12;
        if ((patient.Conditions & ChronicCondition.Dementia) != 0) snf += 0.15;
        if (hadIcu) (snf, rehab, transfer) = (snf + 0.08, rehab + 0.04, transfer + 0.02);
        var table = new WeightedTable<DischargeDisposition>(
        [
            (DischargeDisposition.Home, home), (DischargeDisposition.HomeHealth, homeHealth), (DischargeDisposition.SkilledNursing, snf),
            (DischargeDisposition.Rehab, rehab), (DischargeDisposition.Transfer, transfer), (DischargeDisposition.Hospice, hospice),
            (DischargeDisposition.Other, other),
        ]);
        return table.Pick(random);
    }

    /// <summary>Probability of leaving against medical advice (about 1–2% of stays; more with alcohol use and youth).</summary>
    public static double AgainstAdviceRate(SimulatedPatient patient) =>
        0.012 * ((patient.Conditions & ChronicCondition.AlcoholUse) != 0 ? 5 : 1) * (patient.AgeAtStart < 50 ? 1.6 : 0.7);

    public static DischargeDisposition ForEmergency(DeterministicRandom random) => random.NextDouble() switch
    {
        < 0.935 => DischargeDisposition.Home,
        < 0.97 => DischargeDisposition.AgainstMedicalAdvice,
        < 0.985 => DischargeDisposition.Transfer,
        _ => DischargeDisposition.Other,
    };

    public static DischargeDisposition ForObservation(DeterministicRandom random) => random.NextDouble() switch
    {
        < 0.94 => DischargeDisposition.Home,
        < 0.965 => DischargeDisposition.HomeHealth,
        < 0.975 => DischargeDisposition.SkilledNursing,
        < 0.99 => DischargeDisposition.AgainstMedicalAdvice,
        _ => DischargeDisposition.Other,
    };
}
