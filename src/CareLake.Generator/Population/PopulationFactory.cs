using System.Globalization;
using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Model;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Population;

/// <summary>
/// Draws the population: adults with age, sex, race and ethnicity from the 2020 Census, a state weighted by its
/// population, names, addresses, phones, SSNs and MRNs shaped like real identifiers, chronic conditions, and the
/// changes of address, name and marital status that happen during the period.
/// </summary>
internal static class PopulationFactory
{
    // US adult population by age band (Census 2020, rounded shares).
    private static readonly (int From, int To, double Share)[] AgeBands =
    [
        (18, 24, 0.118), (25, 34, 0.175), (35, 44, 0.165), (45, 54, 0.155), (55, 64, 0.165), (65, 74, 0.125), (75, 84, 0.066), (85, 100, 0.031),
    ];

    private static readonly WeightedTable<(int From, int To)> AgeBandTable = new(AgeBands.Select(b => ((b.From, b.To), b.Share)));

    private static readonly WeightedTable<Race> NonHispanicRace = new([(Race.White, 72), (Race.Black, 15), (Race.Asian, 7.5), (Race.Native, 0.9), (Race.Hawaiian, 0.3), (Race.Other, 4.3)]);
    private static readonly WeightedTable<Race> HispanicRace = new([(Race.White, 25), (Race.Other, 68), (Race.Black, 2), (Race.Native, 4), (Race.Asian, 0.5), (Race.Hawaiian, 0.5)]);

    private const ulong MrnSpace = 9_000_000;
    private const ulong SsnSpace = 98_990_100;

    public static PatientPopulation Create(GeneratorOptions options)
    {
        var seed = (ulong)options.Seed;
        var start = options.PeriodStart;
        var end = options.End;
        var mrns = new FeistelPermutation(DeterministicRandom.Hash(seed, RandomStreams.Identifiers, 1), 10_000);
        var ssns = new FeistelPermutation(DeterministicRandom.Hash(seed, RandomStreams.Identifiers, 2), 10_000);
        var patients = new SimulatedPatient[options.Patients];
        for (var i = 0; i < patients.Length; i++)
        {
            var random = new DeterministicRandom(seed, RandomStreams.Population, (ulong)i);
            var mrn = "MRN" + (1_000_000 + mrns.Permute((ulong)i, MrnSpace)).ToString("D7", CultureInfo.InvariantCulture);
            var ssn = FormatSsn(ssns.Permute((ulong)i, SsnSpace));
            patients[i] = CreatePatient(i, mrn, ssn, start, end, random);
        }

        if (patients.Length >= 20 && !patients.Any(p => p.IsVip))
        {
            // Every population of some size has at least one VIP, so the VIP access pattern can be exercised.
            var index = (int)(DeterministicRandom.Hash(seed, RandomStreams.Identifiers, 3) % (ulong)patients.Length);
            var p = patients[index];
            patients[index] = new SimulatedPatient(p.Index, p.Mrn, [.. p.History], p.AgeAtStart, p.Conditions, [.. p.ChronicCodes], p.Physiology, p.Payer, isVip: true);
        }

        AssignEncounterRates(patients, options);
        return new PatientPopulation(patients);
    }

    private static SimulatedPatient CreatePatient(int index, string mrn, string ssn, DateTimeOffset start, DateTimeOffset end, DeterministicRandom random)
    {
        var band = AgeBandTable.Pick(random);
        var age = band.To == 100 ? Math.Min(104, 85 + (int)random.Exponential(4.5)) : random.Next(band.From, band.To + 1);
        var birth = DateOnly.FromDateTime(start.Date).AddYears(-age).AddDays(-random.Next(0, 365));
        var sexDraw = random.NextDouble();
        var sex = sexDraw < 0.507 ? Sex.Female : sexDraw < 0.998 ? Sex.Male : sexDraw < 0.999 ? Sex.Other : Sex.Unknown;
        var ethnicity = random.Chance(0.187) ? Ethnicity.Hispanic : Ethnicity.NonHispanic;
        var race = (ethnicity == Ethnicity.Hispanic ? HispanicRace : NonHispanicRace).Pick(random);
        var state = UsGeography.ByPopulation.Pick(random);
        var city = UsGeography.PickCity(state, random);
        var address = NewAddress(state, city, random);
        var given = NameTables.GivenName(sex, race, ethnicity, random);
        var family = NameTables.FamilyName(race, ethnicity, random);
        var marital = MaritalStatusFor(age, random);
        string? maiden = null;
        if (marital is MaritalStatus.Married or MaritalStatus.Widowed && sex == Sex.Female && random.Chance(0.7))
        {
            maiden = NameTables.FamilyName(race, ethnicity, random);
            if (maiden == family) maiden = null;
        }

        var demographics = new PatientDemographics(
            given, family, birth, sex, race, ethnicity, marital, LanguageFor(race, ethnicity, random),
            Phone(state, random), ssn, address, maiden);

        var conditions = ChronicConditions.Draw(age, random);
        var codes = ChronicConditions.All
            .Where(d => (conditions & d.Condition) != 0)
            .Select(d => (d.Condition, ChronicConditions.CodeFor(d.Condition, sex, random)))
            .ToArray();
        var physiology = PhysiologyBaseline.Draw(age, conditions, random);
        var history = DrawChanges(demographics, age, start, end, random);
        var payer = age >= 65 ? (random.Chance(0.18) ? "medicaid" : "medicare")
            : random.NextDouble() switch { < 0.62 => "commercial", < 0.84 => "medicaid", < 0.94 => "self_pay", _ => "other" };
        var vip = random.Chance(0.0015);
        return new SimulatedPatient(index, mrn, history, age, conditions, codes, physiology, payer, vip);
    }

    /// <summary>Changes during the period: moves (~10%/year), marriages, divorces and widowhood, new phone numbers.</summary>
    private static DemographicsVersion[] DrawChanges(PatientDemographics initial, int age, DateTimeOffset start, DateTimeOffset end, DeterministicRandom random)
    {
        var versions = new List<DemographicsVersion> { new(start, initial, DemographicChange.Registered) };
        var current = initial;
        var years = (end - start).TotalDays / 365.25;
        var changes = new List<(double At, DemographicChange Kind)>();
        void Schedule(DemographicChange kind, double ratePerYear)
        {
            var at = random.Exponential(1 / Math.Max(ratePerYear, 1e-9));
            if (at < years) changes.Add((at, kind));
        }

        Schedule(DemographicChange.Moved, age < 35 ? 0.2 : age < 65 ? 0.09 : 0.05);
        Schedule(DemographicChange.PhoneChanged, 0.03);
        var maritalRate = current.MaritalStatus switch
        {
            MaritalStatus.Single or MaritalStatus.Divorced when age < 60 => 0.04,
            MaritalStatus.Married when age >= 65 => 0.035,
            MaritalStatus.Married => 0.015,
            _ => 0.005,
        };
        Schedule(DemographicChange.MaritalStatusChanged, maritalRate);
        foreach (var (at, scheduled) in changes.OrderBy(c => c.At))
        {
            var kind = scheduled;
            // Changes are entered during registration hours.
            var day = start.AddDays(Math.Floor(at * 365.25));
            var when = day.AddHours(8 + random.NextDouble() * 10);
            if (when >= end || when <= start) continue;
            current = kind switch
            {
                DemographicChange.Moved => Move(current, random),
                DemographicChange.PhoneChanged => current with { Phone = Phone(StateOf(current.Address.State), random) },
                _ => ChangeMaritalStatus(current, age, random, out kind),
            };
            versions.Add(new DemographicsVersion(when, current, kind));
        }

        return [.. versions];
    }

    private static PatientDemographics ChangeMaritalStatus(PatientDemographics current, int age, DeterministicRandom random, out DemographicChange kind)
    {
        kind = DemographicChange.MaritalStatusChanged;
        switch (current.MaritalStatus)
        {
            case MaritalStatus.Single or MaritalStatus.Divorced:
                if (current.Sex == Sex.Female && random.Chance(0.75))
                {
                    kind = DemographicChange.NameChanged;
                    return current with
                    {
                        MaritalStatus = MaritalStatus.Married,
                        MaidenName = current.MaidenName ?? current.FamilyName,
                        FamilyName = NameTables.FamilyName(current.Race, current.Ethnicity, random),
                    };
                }

                return current with { MaritalStatus = MaritalStatus.Married };
            case MaritalStatus.Married when age >= 65:
                return current with { MaritalStatus = MaritalStatus.Widowed };
            case MaritalStatus.Married:
                if (current.MaidenName is { } maiden && random.Chance(0.4))
                {
                    kind = DemographicChange.NameChanged;
                    return current with { MaritalStatus = MaritalStatus.Divorced, FamilyName = maiden, MaidenName = null };
                }

                return current with { MaritalStatus = MaritalStatus.Divorced };
            default:
                return current with { MaritalStatus = MaritalStatus.Married };
        }
    }

    private static PatientDemographics Move(PatientDemographics current, DeterministicRandom random)
    {
        var roll = random.NextDouble();
        var state = roll < 0.9 ? StateOf(current.Address.State) : UsGeography.ByPopulation.Pick(random);
        var city = roll < 0.6 ? state.Cities.FirstOrDefault(c => c.Name == current.Address.City) ?? UsGeography.PickCity(state, random) : UsGeography.PickCity(state, random);
        var moved = current with { Address = NewAddress(state, city, random) };
        return random.Chance(0.3) ? moved with { Phone = Phone(state, random) } : moved;
    }

    private static UsState StateOf(string code) => UsGeography.States.First(s => s.Code == code);

    private static Address NewAddress(UsState state, City city, DeterministicRandom random)
    {
        var number = random.Chance(0.7) ? random.Next(1, 2000) : random.Next(2000, 9999);
        var line = string.Create(CultureInfo.InvariantCulture, $"{number} {random.Pick(NameTables.Streets)} {random.Pick(NameTables.StreetSuffixes)}");
        var unit = random.NextDouble();
        if (unit < 0.12) line += string.Create(CultureInfo.InvariantCulture, $" Apt {random.Next(1, 40)}{(char)('A' + random.Next(0, 6))}");
        else if (unit < 0.16) line += string.Create(CultureInfo.InvariantCulture, $" Unit {random.Next(1, 300)}");
        else if (unit < 0.18) line += string.Create(CultureInfo.InvariantCulture, $" #{random.Next(100, 999)}");
        else if (unit < 0.183) line += " Bldg A&B";
        return new Address(line, city.Name, state.Code, UsGeography.PickZip(city, random), city.County + " County",
            Math.Round(city.Latitude + random.Normal(0, 0.03), 5), Math.Round(city.Longitude + random.Normal(0, 0.03), 5));
    }

    // 555 exchanges are reserved for fiction in the North American Numbering Plan.
    private static string Phone(UsState state, DeterministicRandom random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Pick(state.AreaCodes)}-555-{random.Next(100, 10000):D4}");

    // Area numbers 900–999 are never issued as SSNs: shaped like one, but never a real person's.
    private static string FormatSsn(ulong k) =>
        string.Create(CultureInfo.InvariantCulture, $"{900 + k % 100:D3}-{1 + k / 100 % 99:D2}-{1 + k / 9_900 % 9_999:D4}");

    private static MaritalStatus MaritalStatusFor(int age, DeterministicRandom random)
    {
        var (single, married, divorced) = age switch
        {
            < 30 => (0.80, 0.18, 0.02),
            < 45 => (0.30, 0.58, 0.11),
            < 65 => (0.15, 0.58, 0.20),
            < 80 => (0.06, 0.57, 0.15),
            _ => (0.04, 0.35, 0.08),
        };
        var roll = random.NextDouble();
        return roll < single ? MaritalStatus.Single : roll < single + married ? MaritalStatus.Married : roll < single + married + divorced ? MaritalStatus.Divorced : MaritalStatus.Widowed;
    }

    private static string LanguageFor(Race race, Ethnicity ethnicity, DeterministicRandom random)
    {
        if (ethnicity == Ethnicity.Hispanic) return random.Chance(0.38) ? "es" : "en";
        if (race == Race.Asian)
        {
            return random.NextDouble() switch { < 0.14 => "zh", < 0.24 => "vi", < 0.29 => "ko", < 0.34 => "tl", < 0.38 => "hi", _ => "en" };
        }

        return random.NextDouble() switch { < 0.006 => "ru", < 0.012 => "ar", < 0.016 => "fr", < 0.02 => "pl", _ => "en" };
    }

    /// <summary>
    /// Per-patient encounter rates: relative risk by age and Charlson index, scaled so the population mean equals the
    /// configured rate. Admission rates rise steeply with age and comorbidity (HCUP: most stays are of patients 65+).
    /// </summary>
    private static void AssignEncounterRates(SimulatedPatient[] patients, GeneratorOptions options)
    {
        if (patients.Length == 0) return;
        static double AgeRisk(int age) => age switch { < 45 => 0.45, < 65 => 0.9, < 75 => 1.7, < 85 => 2.6, _ => 3.3 };
        var inpatient = patients.Select(p => AgeRisk(p.AgeAtStart) * Math.Exp(0.3 * Math.Min(p.CharlsonIndex, 8))).ToArray();
        var emergency = patients.Select(p => (p.AgeAtStart < 30 ? 1.3 : p.AgeAtStart < 65 ? 1.0 : 1.2) * (1 + 0.12 * p.CharlsonIndex)).ToArray();
        var observation = patients.Select(p => Math.Sqrt(AgeRisk(p.AgeAtStart)) * (1 + 0.15 * p.CharlsonIndex)).ToArray();
        var (mi, me, mo) = (inpatient.Average(), emergency.Average(), observation.Average());
        for (var i = 0; i < patients.Length; i++)
        {
            patients[i].InpatientRate = options.InpatientAdmissionsPerPatientYear * inpatient[i] / mi;
            patients[i].EmergencyRate = options.EmergencyVisitsPerPatientYear * emergency[i] / me;
            patients[i].ObservationRate = options.ObservationStaysPerPatientYear * observation[i] / mo;
        }
    }
}
