using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Model;

namespace CareLake.Generator.Population;

/// <summary>Why a patient's registration data changed (each change is an ADT <c>update</c>).</summary>
public enum DemographicChange
{
    Registered,
    Moved,
    NameChanged,
    MaritalStatusChanged,
    PhoneChanged,
}

/// <summary>The registration data in force from <see cref="EffectiveFrom"/> until the next version.</summary>
public sealed record DemographicsVersion(DateTimeOffset EffectiveFrom, PatientDemographics Demographics, DemographicChange Change);

/// <summary>One member of the hospital's patient population.</summary>
public sealed class SimulatedPatient
{
    private readonly DemographicsVersion[] _history;
    private readonly (ChronicCondition Condition, IcdCode Code)[] _chronicCodes;

    internal SimulatedPatient(
        int index,
        string mrn,
        DemographicsVersion[] history,
        int ageAtStart,
        ChronicCondition conditions,
        (ChronicCondition, IcdCode)[] chronicCodes,
        PhysiologyBaseline physiology,
        string payer,
        bool isVip)
    {
        Index = index;
        Mrn = mrn;
        _history = history;
        AgeAtStart = ageAtStart;
        Conditions = conditions;
        _chronicCodes = chronicCodes;
        Physiology = physiology;
        Payer = payer;
        IsVip = isVip;
        CharlsonIndex = ChronicConditions.CharlsonIndex(conditions);
    }

    /// <summary>Position in the population (0-based); stable for a given seed.</summary>
    public int Index { get; }

    /// <summary>Medical record number, the contract's <c>patient_id</c> (e.g. <c>MRN4829103</c>).</summary>
    public string Mrn { get; }

    /// <summary>Registration data over time, oldest first; the first entry is the data at the start of the period.</summary>
    public IReadOnlyList<DemographicsVersion> History => _history;

    /// <summary>The registration data at the end of the period.</summary>
    public PatientDemographics Demographics => _history[^1].Demographics;

    public Sex Sex => _history[0].Demographics.Sex;

    public int AgeAtStart { get; }

    public ChronicCondition Conditions { get; }

    /// <summary>The patient's chronic conditions with the ICD-10-CM code each is recorded under.</summary>
    public IReadOnlyList<(ChronicCondition Condition, IcdCode Code)> ChronicCodes => _chronicCodes;

    /// <summary>Charlson comorbidity index of the chronic conditions (1987 weights, hierarchy applied).</summary>
    public int CharlsonIndex { get; }

    public PhysiologyBaseline Physiology { get; }

    /// <summary>Payer class: <c>medicare</c>, <c>medicaid</c>, <c>commercial</c>, <c>self_pay</c> or <c>other</c>.</summary>
    public string Payer { get; }

    /// <summary>A public figure whose record is restricted (break-the-glass) and watched.</summary>
    public bool IsVip { get; }

    /// <summary>The staff user id of this patient when they also work at the hospital.</summary>
    public string? EmployeeUserId { get; internal set; }

    /// <summary>When the patient died in hospital, if they did within the period.</summary>
    public DateTimeOffset? DeceasedAt { get; internal set; }

    internal double InpatientRate { get; set; }
    internal double EmergencyRate { get; set; }
    internal double ObservationRate { get; set; }

    public IcdCode? ConditionCode(ChronicCondition condition)
    {
        foreach (var (c, code) in _chronicCodes)
        {
            if (c == condition) return code;
        }

        return null;
    }

    public PatientDemographics DemographicsAt(DateTimeOffset time)
    {
        var current = _history[0].Demographics;
        for (var i = 1; i < _history.Length && _history[i].EffectiveFrom <= time; i++)
        {
            current = _history[i].Demographics;
        }

        return current;
    }

    public override string ToString() => Mrn;
}

/// <summary>The hospital's patients, in index order.</summary>
public sealed class PatientPopulation(IReadOnlyList<SimulatedPatient> patients)
{
    public IReadOnlyList<SimulatedPatient> Patients { get; } = patients;

    public int Count => Patients.Count;

    public SimulatedPatient this[int index] => Patients[index];
}
