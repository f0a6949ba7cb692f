using System.Globalization;
using System.Text;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.AccessLogs;

/// <summary>When a staff member works: day (07–19), night (19–07) or office hours (08–17 on weekdays).</summary>
public enum Shift
{
    Day,
    Night,
    Office,
}

/// <summary>A user of the EHR.</summary>
public sealed record StaffMember(
    int Index,
    string UserId,
    string Role,
    string GivenName,
    string FamilyName,
    string HomeUnit,
    Shift Shift,
    string? ProviderId,
    string? Service)
{
    /// <summary>The population index of this person's own patient record, when they are also a patient.</summary>
    public int? PatientIndex { get; internal set; }

    public bool IsOnShift(DateTimeOffset local) => Shift switch
    {
        Shift.Day => local.Hour is >= 7 and < 19,
        Shift.Night => local.Hour is >= 19 or < 7,
        _ => local.Hour is >= 8 and < 17 && local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday),
    };

    /// <summary>A stable workstation on the home unit.</summary>
    public string Workstation => string.Create(CultureInfo.InvariantCulture, $"WS-{HomeUnit}-{Index % 12 + 1:D2}");
}

/// <summary>
/// The hospital's staff, sized to the population: physicians by service, nurses by unit and shift, and the
/// pharmacists, therapists, case managers, registration clerks, coders and billers who open charts.
/// </summary>
public sealed class StaffRoster
{
    public static readonly string[] Services = ["MED", "CAR", "PUL", "SUR", "ORT", "NEU", "EM", "ICU"];
    private static readonly string[] NursingUnits = ["4W", "6N", "5E", "3S", "ICU", "SDU", "OBS", "ED"];

    private readonly Dictionary<(string Role, string Unit, Shift Shift), List<StaffMember>> _byRoleUnitShift = [];
    private readonly Dictionary<string, List<StaffMember>> _byRole = [];
    private readonly Dictionary<string, List<StaffMember>> _physiciansByService = [];

    private StaffRoster(List<StaffMember> members)
    {
        Members = members;
        foreach (var m in members)
        {
            Get(_byRole, m.Role).Add(m);
            if (!_byRoleUnitShift.TryGetValue((m.Role, m.HomeUnit, m.Shift), out var list)) _byRoleUnitShift[(m.Role, m.HomeUnit, m.Shift)] = list = [];
            list.Add(m);
            if (m.Service is { } service) Get(_physiciansByService, service).Add(m);
        }
    }

    public IReadOnlyList<StaffMember> Members { get; }

    internal static StaffRoster Create(GeneratorOptions options, PatientPopulation population)
    {
        var random = new DeterministicRandom((ulong)options.Seed, RandomStreams.Staff);
        var p = options.Patients;
        var members = new List<StaffMember>();
        var userIds = new HashSet<string>(StringComparer.Ordinal);
        void Add(string role, string unit, Shift shift, string? service)
        {
            var sex = random.Chance(role == "nurse" ? 0.88 : 0.5) ? Sex.Female : Sex.Male;
            var race = random.Chance(0.12) ? Race.Asian : random.Chance(0.14) ? Race.Black : Race.White;
            var ethnicity = random.Chance(0.12) ? Ethnicity.Hispanic : Ethnicity.NonHispanic;
            var given = NameTables.GivenName(sex, race, ethnicity, random);
            var family = NameTables.FamilyName(race, ethnicity, random);
            var userId = UniqueUserId(given, family, userIds);
            var index = members.Count;
            var providerId = role is "physician" or "resident" ? string.Create(CultureInfo.InvariantCulture, $"PRV{10_000 + index:D5}") : null;
            members.Add(new StaffMember(index, userId, role, given, family, unit, shift, providerId, service));
        }

        Shift DayOrNight(double nightShare) => random.Chance(nightShare) ? Shift.Night : Shift.Day;
        var physiciansPerService = Math.Max(1, p / 9_000);
        foreach (var service in Services)
        {
            var unit = service switch { "CAR" => "5E", "SUR" or "ORT" => "3S", "ICU" => "ICU", "EM" => "ED", _ => "4W" };
            var count = service is "MED" ? physiciansPerService * 3 : physiciansPerService;
            for (var i = 0; i < count + 1; i++) Add("physician", unit, i == 0 ? Shift.Day : DayOrNight(0.25), service);
        }

        for (var i = 0; i < Math.Max(2, p / 3_000); i++) Add("resident", i % 2 == 0 ? "4W" : "6N", DayOrNight(0.3), "MED");
        var nursesPerUnitShift = Math.Max(2, p / 2_500);
        foreach (var unit in NursingUnits)
        {
            var perShift = unit is "4W" or "6N" or "5E" ? nursesPerUnitShift * 2 : nursesPerUnitShift;
            for (var i = 0; i < perShift; i++) Add("nurse", unit, Shift.Day, null);
            for (var i = 0; i < perShift; i++) Add("nurse", unit, Shift.Night, null);
        }

        for (var i = 0; i < Math.Max(2, p / 10_000); i++) Add("pharmacist", "PHARM", i % 3 == 2 ? Shift.Night : Shift.Day, null);
        for (var i = 0; i < Math.Max(2, p / 12_000); i++) Add("respiratory_therapist", "RT", i % 2 == 1 ? Shift.Night : Shift.Day, null);
        for (var i = 0; i < Math.Max(2, p / 10_000); i++) Add("case_manager", "CM", Shift.Office, null);
        for (var i = 0; i < Math.Max(3, p / 8_000); i++) Add("registration", "ED", i % 3 == 2 ? Shift.Night : Shift.Day, null);
        for (var i = 0; i < Math.Max(2, p / 15_000); i++) Add("coder", "HIM", Shift.Office, null);
        for (var i = 0; i < Math.Max(2, p / 15_000); i++) Add("billing", "PFS", Shift.Office, null);
        for (var i = 0; i < Math.Max(1, p / 30_000); i++) Add("it_admin", "IT", Shift.Office, null);

        // About half the staff are also patients of the hospital (employee health plan), which makes
        // employee-record snooping possible.
        var taken = new HashSet<int>();
        foreach (var member in members)
        {
            if (population.Count < members.Count * 2 || !random.Chance(0.5)) continue;
            var index = random.Next(population.Count);
            if (!taken.Add(index)) continue;
            member.PatientIndex = index;
            population[index].EmployeeUserId = member.UserId;
        }

        return new StaffRoster(members);
    }

    public IReadOnlyList<StaffMember> WithRole(string role) => _byRole.TryGetValue(role, out var list) ? list : [];

    /// <summary>An attending physician of the service, on shift at <paramref name="local"/> when possible.</summary>
    public StaffMember Physician(string service, DateTimeOffset local, DeterministicRandom random)
    {
        var list = _physiciansByService.TryGetValue(service, out var s) ? s : _physiciansByService["MED"];
        return PickOnShift(list, local, random);
    }

    /// <summary>Someone of the role working on the unit (or anywhere) at <paramref name="local"/>.</summary>
    public StaffMember OnShift(string role, string? unit, DateTimeOffset local, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (unit is not null)
        {
            var shift = local.Hour is >= 7 and < 19 ? Shift.Day : Shift.Night;
            if (_byRoleUnitShift.TryGetValue((role, unit, shift), out var onUnit) && onUnit.Count > 0)
            {
                return onUnit[random.Next(onUnit.Count)];
            }
        }

        return PickOnShift(WithRole(role), local, random);
    }

    private static StaffMember PickOnShift(IReadOnlyList<StaffMember> list, DateTimeOffset local, DeterministicRandom random)
    {
        var start = random.Next(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var m = list[(start + i) % list.Count];
            if (m.IsOnShift(local)) return m;
        }

        return list[start];
    }

    private static List<StaffMember> Get(Dictionary<string, List<StaffMember>> map, string key)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        return list;
    }

    private static string UniqueUserId(string given, string family, HashSet<string> taken)
    {
        var builder = new StringBuilder();
        builder.Append(char.ToLowerInvariant(given[0]));
        foreach (var ch in family)
        {
            if (char.IsAsciiLetter(ch)) builder.Append(char.ToLowerInvariant(ch));
        }

        var stem = builder.ToString();
        var id = stem;
        for (var n = 2; !taken.Add(id); n++) id = stem + n.ToString(CultureInfo.InvariantCulture);
        return id;
    }
}
