using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Clinical.Vitals;

/// <summary>
/// What an illness does to the vital signs at its worst (on admission); it wears off as the patient recovers.
/// </summary>
/// <param name="HeartRate">Added beats/min.</param>
/// <param name="RespiratoryRate">Added breaths/min.</param>
/// <param name="Spo2Drop">Percentage points of SpO2 lost on air.</param>
/// <param name="SystolicBp">Added mmHg (negative: hypotension).</param>
/// <param name="Temperature">Added °C.</param>
/// <param name="OxygenProbability">Chance the patient is started on supplemental oxygen.</param>
/// <param name="ConfusionProbability">Chance of new confusion in a set while the illness is at its worst.</param>
public sealed record AcuteProfile(
    double HeartRate,
    double RespiratoryRate,
    double Spo2Drop,
    double SystolicBp,
    double Temperature,
    double OxygenProbability,
    double ConfusionProbability)
{
    public static AcuteProfile None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>The vital-sign changes of a deterioration episode at full severity (severity 1).</summary>
internal sealed record EpisodeProfile(double HeartRate, double RespiratoryRate, double Spo2Drop, double SystolicBp, double Temperature)
{
    public static EpisodeProfile For(DeteriorationKind kind, bool hypothermic) => kind switch
    {
        // Sepsis: tachycardia, tachypnoea, hypotension, fever (or hypothermia in some), then confusion.
        DeteriorationKind.SepsisLike => new(42, 11, 6, -42, hypothermic ? -2.3 : 2.0),
        // Respiratory failure: hypoxaemia and tachypnoea first, oxygen escalated.
        DeteriorationKind.RespiratoryFailure => new(28, 15, 14, -6, 0.3),
        // Haemorrhage: tachycardia and falling blood pressure, slight hypothermia.
        _ => new(46, 8, 3, -52, -0.5),
    };
}

/// <summary>A patient's usual vital signs when well, and their NEWS2 SpO2 scale.</summary>
public sealed record PhysiologyBaseline(
    double HeartRate,
    double RespiratoryRate,
    double Spo2,
    double SystolicBp,
    double DiastolicRatio,
    double Temperature,
    int Spo2Scale)
{
    /// <summary>Draws a baseline from age and chronic conditions.</summary>
    internal static PhysiologyBaseline Draw(int age, ChronicCondition conditions, DeterministicRandom random)
    {
        var copd = (conditions & ChronicCondition.ChronicPulmonary) != 0;

        // Scale 2 is for hypercapnic respiratory failure with a prescribed 88–92% target (clinical.md §1.1):
        // a minority of COPD patients, mostly older.
        var scale2 = copd && age >= 50 && random.Chance(0.22);
        var spo2 = scale2 ? random.Normal(90, 1.2) : copd ? random.Normal(94.3, 1.2) : random.Normal(97.4, 0.9);
        var hypertension = (conditions & ChronicCondition.Hypertension) != 0;
        var sbp = 112 + 0.3 * (age - 40) + (hypertension ? 9 : 0) + random.Normal(0, 10);
        return new PhysiologyBaseline(
            HeartRate: Math.Clamp(random.Normal(76, 8), 56, 96),
            RespiratoryRate: Math.Clamp(random.Normal(16, 1.3), 13, 19),
            Spo2: Math.Min(spo2, 99.4),
            SystolicBp: Math.Clamp(sbp, 100, 165),
            DiastolicRatio: random.Uniform(0.55, 0.66),
            Temperature: Math.Clamp(random.Normal(36.8, 0.18), 36.3, 37.3),
            Spo2Scale: scale2 ? 2 : 1);
    }
}

/// <summary>
/// Slow random drift of each vital sign around its expected value (an Ornstein–Uhlenbeck process), so
/// consecutive sets look like one patient rather than independent draws.
/// </summary>
internal sealed class PhysiologyDrift
{
    private const double TimeConstantHours = 5;
    private DateTimeOffset _last;
    private bool _started;

    public double HeartRate { get; private set; }
    public double RespiratoryRate { get; private set; }
    public double Spo2 { get; private set; }
    public double SystolicBp { get; private set; }
    public double Temperature { get; private set; }

    public void Advance(DateTimeOffset now, DeterministicRandom random)
    {
        var hours = _started ? Math.Max(0, (now - _last).TotalHours) : 1000;
        _started = true;
        _last = now;
        var decay = Math.Exp(-hours / TimeConstantHours);
        var spread = Math.Sqrt(1 - decay * decay);
        HeartRate = HeartRate * decay + 5 * spread * random.Gaussian();
        RespiratoryRate = RespiratoryRate * decay + 1.2 * spread * random.Gaussian();
        Spo2 = Spo2 * decay + 0.8 * spread * random.Gaussian();
        SystolicBp = SystolicBp * decay + 8 * spread * random.Gaussian();
        Temperature = Temperature * decay + 0.2 * spread * random.Gaussian();
    }
}
