using System.Globalization;
using CareLake.Core.Hashing;
using CareLake.Generator.AccessLogs;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;

namespace CareLake.Generator;

/// <summary>Everything one run shares: options, period, population, staff and beds.</summary>
internal sealed class SimulationContext
{

    public SimulationContext(GeneratorOptions options)
    {
        Options = options;
        Seed = (ulong)options.Seed;
        Start = options.PeriodStart;
        End = options.End;
        Offset = options.FacilityUtcOffset;
        RunTag = RunTagFor(options);
        _encounterNumbers = new FeistelPermutation(DeterministicRandom.Hash(Seed, RandomStreams.Identifiers, 4), 100_000);
        Population = PopulationFactory.Create(options);
        Staff = StaffRoster.Create(options, Population);
        Beds = new BedBoard(options);
    }

    private readonly FeistelPermutation _encounterNumbers;

    public static string RunTagFor(GeneratorOptions options) =>
        (DeterministicRandom.Hash((ulong)options.Seed, (ulong)options.PeriodStart.UtcTicks, (ulong)options.Days) & 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);

    public GeneratorOptions Options { get; }
    public ulong Seed { get; }
    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }
    public TimeSpan Offset { get; }

    /// <summary>A short tag of the run's seed and period, part of every event id, so runs with different seeds never collide.</summary>
    public string RunTag { get; }

    public PatientPopulation Population { get; }
    public StaffRoster Staff { get; }
    public BedBoard Beds { get; }

    public string FacilityId => Options.FacilityId;

    /// <summary>A list the visit builders fill and the timelines empty straight away (one simulation runs on one thread).</summary>
    public List<HospitalEvent> ScratchEvents { get; } = new(4_096);

    /// <summary>The visit (account) number: 10 digits, unique per (patient, encounter), unrelated to the MRN.</summary>
    public string EncounterId(int patientIndex, int encounterSequence)
    {
        var n = (ulong)patientIndex * 1_000 + (ulong)encounterSequence;
        return "V" + _encounterNumbers.Permute(n).ToString("D10", CultureInfo.InvariantCulture);
    }

    public bool InPeriod(DateTimeOffset time) => time >= Start && time < End;

    /// <summary>The workstation address of a unit's computers.</summary>
    public string UnitIp(StaffMember member)
    {
        var unitNumber = Beds.Units.FirstOrDefault(u => u.Name == member.HomeUnit)?.Number ?? 20 + (int)(StableHash.Of(member.HomeUnit) % 20);
        return string.Create(CultureInfo.InvariantCulture, $"10.{40 + unitNumber}.{1 + member.Index / 250 % 250}.{2 + member.Index % 250}");
    }
}

/// <summary>A time-ordered stream of events that the simulator merges with the others.</summary>
internal interface IEventSource
{
    /// <summary>The time of the next event, or null when the source is exhausted.</summary>
    DateTimeOffset? PeekTime { get; }

    /// <summary>
    /// Takes the next event when it is due at <see cref="PeekTime"/>. When the source instead had to simulate what comes
    /// next (a visit, a day of staff activity), it returns false and the caller asks for <see cref="PeekTime"/> again.
    /// </summary>
    bool TryTake(out HospitalEvent? e);
}
