using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Labs;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Model;

namespace CareLake.Generator.Encounters;

/// <summary>A period in one bed.</summary>
internal sealed record CourseSegment(UnitKind Kind, DateTimeOffset From, DateTimeOffset To, EncounterSnapshot Snapshot);

/// <summary>
/// The clinical course of one visit: where the patient is when, how the admitting illness resolves, and the
/// deterioration episode (if any) that vitals, labs and diagnoses all follow.
/// </summary>
internal sealed class StayCourse
{
    public required PrincipalCondition Condition { get; init; }
    public required DateTimeOffset AdmitAt { get; init; }
    public required DateTimeOffset EndAt { get; init; }

    /// <summary>Time constant of recovery from the admitting illness, in hours.</summary>
    public required double RecoveryHours { get; init; }

    public List<CourseSegment> Segments { get; } = [];

    public DeteriorationKind? Episode { get; init; }
    public DateTimeOffset EpisodeOnset { get; init; }
    public DateTimeOffset EpisodePeak { get; init; }

    /// <summary>After the peak, severity halves roughly every 0.7 × this many hours (treatment working).</summary>
    public double EpisodeDecayHours { get; init; } = 12;

    public bool Dies { get; init; }

    /// <summary>Admitted straight to intensive care: severe on arrival, improving from then on.</summary>
    public bool DirectIcu { get; init; }
    public double DirectIcuDecayHours { get; init; } = 18;

    public bool HypothermicSepsis { get; init; }
    public bool OxygenPlanned { get; init; }
    public bool DeliriumProne { get; init; }

    /// <summary>Peak troponin of a myocardial infarction (ng/L), 0 when there is none.</summary>
    public double MyocardialInjuryPeak { get; init; }

    public double AcuteResidual(DateTimeOffset t) => Math.Exp(-Math.Max(0, (t - AdmitAt).TotalHours) / RecoveryHours);

    public double Severity(DateTimeOffset t)
    {
        var severity = 0.0;
        if (DirectIcu)
        {
            severity = 0.6 * Math.Exp(-Math.Max(0, (t - AdmitAt).TotalHours) / DirectIcuDecayHours);
        }

        if (Episode is not null && t >= EpisodeOnset)
        {
            double episode;
            if (t < EpisodePeak)
            {
                var x = (t - EpisodeOnset).TotalHours / Math.Max(0.1, (EpisodePeak - EpisodeOnset).TotalHours);
                episode = x * x * (3 - 2 * x);
            }
            else if (Dies)
            {
                episode = 1 + 0.25 * Math.Min(1, (t - EpisodePeak).TotalHours / Math.Max(0.5, (EndAt - EpisodePeak).TotalHours));
            }
            else
            {
                episode = Math.Exp(-(t - EpisodePeak).TotalHours / EpisodeDecayHours);
            }

            severity = Math.Max(severity, episode);
        }

        return severity;
    }

    public DeteriorationKind? EpisodeKind => Episode ?? (DirectIcu ? Condition.Deterioration : null);

    public CourseSegment SegmentAt(DateTimeOffset t)
    {
        for (var i = Segments.Count - 1; i > 0; i--)
        {
            if (t >= Segments[i].From) return Segments[i];
        }

        return Segments[0];
    }

    public ClinicalState StateAt(DateTimeOffset t)
    {
        var r = AcuteResidual(t);
        var s = Severity(t);
        return new ClinicalState(Condition.Acute, r, EpisodeKind, HypothermicSepsis, s, (OxygenPlanned && r > 0.3) || s > 0.15, DeliriumProne);
    }

    public LabContext LabContextAt(DateTimeOffset t) =>
        new(Condition.Key, AcuteResidual(t), EpisodeKind, Severity(t), Math.Max(0, (t - AdmitAt).TotalHours), MyocardialInjuryPeak);
}
