using CareLake.Core.Scoring;
using CareLake.Generator.Model;

namespace CareLake.Generator.Clinical.Vitals;

/// <summary>NEWS2 of a complete set through the core's per-parameter scores, without the input and result records of <see cref="News2.Score"/>.</summary>
internal static class News2Scoring
{
    public static (int Total, bool Red)? Score(VitalSignsEvent v)
    {
        if (v.RespiratoryRate is not { } rr || v.Spo2 is not { } spo2 || v.OnSupplementalOxygen is not { } oxygen || v.SystolicBp is not { } sbp ||
            v.HeartRate is not { } hr || v.Consciousness is not { } acvpu || v.TemperatureCelsius is not { } temperature)
        {
            return null;
        }

        return Score(rr, spo2, v.Spo2Scale, oxygen, sbp, hr, acvpu, temperature);
    }

    public static (int Total, bool Red)? Score(int rr, int spo2, int scale, bool oxygen, int sbp, int hr, char acvpu, double temperature)
    {
        if (News2.ScoreSpo2(spo2, scale, oxygen) is not { } spo2Score) return null;
        var scores = new News2SubScores(
            News2.ScoreRespiratoryRate(rr), spo2Score, News2.ScoreOxygen(oxygen), News2.ScoreSystolicBp(sbp), News2.ScoreHeartRate(hr),
            News2.ScoreConsciousness(Acvpu.FromCode(acvpu)), News2.ScoreTemperature((decimal)temperature));
        return (scores.Total!.Value, scores.HasRedScore);
    }
}
