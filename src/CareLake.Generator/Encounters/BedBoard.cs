using System.Globalization;
using CareLake.Generator.Model;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Encounters;

/// <summary>The kinds of place a patient can be in.</summary>
public enum UnitKind
{
    MedSurg,
    Telemetry,
    Surgical,
    Icu,
    StepDown,
    Observation,
    Emergency,
}

/// <summary>A nursing unit with its beds.</summary>
internal sealed class HospitalUnit(string name, UnitKind kind, int floor, int bedsPerRoom, int number)
{
    private readonly List<Bed> _beds = [];

    public string Name { get; } = name;
    public UnitKind Kind { get; } = kind;

    /// <summary>Position in the unit list; used for workstation addresses.</summary>
    public int Number { get; } = number;

    public IReadOnlyList<Bed> Beds => _beds;

    public void AddBeds(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var position = _beds.Count;
            var room = Kind == UnitKind.Emergency
                ? string.Create(CultureInfo.InvariantCulture, $"B{position / bedsPerRoom + 1:D2}")
                : string.Create(CultureInfo.InvariantCulture, $"{floor}{position / bedsPerRoom + 1:D2}");
            var bed = bedsPerRoom == 1 ? "A" : ((char)('A' + position % bedsPerRoom)).ToString();
            _beds.Add(new Bed(new BedLocation(Name, room, bed)));
        }
    }
}

internal sealed class Bed(BedLocation location)
{
    public BedLocation Location { get; } = location;

    /// <summary>The bed is taken until this instant.</summary>
    public DateTimeOffset BusyUntil { get; set; } = DateTimeOffset.MinValue;
}

/// <summary>
/// Assigns beds so that no two patients share one at the same time. Stays are planned in time order, so a bed is
/// free for a new interval when its last booking ended before it starts. When a unit is full it opens surge beds.
/// Capacity follows the expected census of the population (admission rate × LOS), with headroom.
/// </summary>
internal sealed class BedBoard
{
    private readonly Dictionary<UnitKind, HospitalUnit[]> _byKind;

    public BedBoard(GeneratorOptions options)
    {
        var patients = options.Patients;
        var inpatientCensus = patients * options.InpatientAdmissionsPerPatientYear * 1.2 * 5.0 / 365;
        int Beds(double share, int minimum) => Math.Max(minimum, (int)Math.Ceiling(inpatientCensus * share * 1.5));
        var units = new List<HospitalUnit>();
        void Add(string name, UnitKind kind, int floor, int bedsPerRoom, int beds)
        {
            var unit = new HospitalUnit(name, kind, floor, bedsPerRoom, units.Count);
            unit.AddBeds(beds);
            units.Add(unit);
        }

        Add("4W", UnitKind.MedSurg, 4, 2, Beds(0.22, 4));
        Add("6N", UnitKind.MedSurg, 6, 2, Beds(0.2, 4));
        Add("5E", UnitKind.Telemetry, 5, 2, Beds(0.2, 4));
        Add("3S", UnitKind.Surgical, 3, 2, Beds(0.14, 4));
        Add("ICU", UnitKind.Icu, 2, 1, Beds(0.12, 4));
        Add("SDU", UnitKind.StepDown, 5, 1, Beds(0.07, 2));
        Add("OBS", UnitKind.Observation, 1, 1, Math.Max(4, (int)Math.Ceiling(patients * options.ObservationStaysPerPatientYear * 1.2 / 365 * 2.5)));
        Add("ED", UnitKind.Emergency, 1, 1, Math.Max(6, (int)Math.Ceiling(patients * options.EmergencyVisitsPerPatientYear * 1.3 * 5 / 24 / 365 * 3)));
        Units = units;
        _byKind = units.GroupBy(u => u.Kind).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public IReadOnlyList<HospitalUnit> Units { get; }

    /// <summary>Books a free bed of the kind for [from, to) and returns it.</summary>
    public BedLocation Assign(UnitKind kind, DateTimeOffset from, DateTimeOffset to, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var units = _byKind[kind];
        var first = random.Next(units.Length);
        for (var u = 0; u < units.Length; u++)
        {
            var unit = units[(first + u) % units.Length];
            var beds = unit.Beds;
            var offset = random.Next(beds.Count);
            for (var i = 0; i < beds.Count; i++)
            {
                var bed = beds[(offset + i) % beds.Count];
                if (bed.BusyUntil <= from)
                {
                    bed.BusyUntil = to;
                    return bed.Location;
                }
            }
        }

        var surge = units[first];
        surge.AddBeds(2);
        var opened = surge.Beds[^2];
        opened.BusyUntil = to;
        return opened.Location;
    }
}
