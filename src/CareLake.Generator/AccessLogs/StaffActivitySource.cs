using System.Globalization;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.AccessLogs;

/// <summary>
/// Staff activity not tied to a visit, one day at a time: logins and logouts at shift changes, and the suspicious
/// patterns an access-monitoring system looks for (off-shift access, break-the-glass, mass chart access, VIP and
/// employee records, failed-login bursts).
/// </summary>
internal sealed class StaffActivitySource : IEventSource
{
    private readonly SimulationContext _context;
    private readonly DeterministicRandom _random;
    private readonly PriorityQueue<HospitalEvent, (long Ticks, long Order)> _pending = new();
    private readonly List<(DateTimeOffset At, AccessPattern Pattern)> _scheduled;
    private readonly SimulatedPatient[] _vips;
    private readonly StaffMember[] _employeesWithRecords;
    private int _scheduledIndex;
    private DateTimeOffset _nextDay;
    private int _dayIndex;
    private int _ordinal;
    private long _order;

    public StaffActivitySource(SimulationContext context)
    {
        _context = context;
        _random = new DeterministicRandom(context.Seed, RandomStreams.StaffActivity);
        _nextDay = context.Start;
        _vips = context.Population.Patients.Where(p => p.IsVip).ToArray();
        _employeesWithRecords = context.Staff.Members.Where(m => m.PatientIndex is not null).ToArray();
        _scheduled = Schedule(context, _random);
    }

    public DateTimeOffset? PeekTime
    {
        get
        {
            var day = _nextDay < _context.End ? _nextDay.UtcTicks : long.MaxValue;
            var next = Math.Min(PendingTicks, day);
            return next == long.MaxValue ? null : new DateTimeOffset(next, TimeSpan.Zero).ToOffset(_context.Offset);
        }
    }

    public bool TryTake(out HospitalEvent? e)
    {
        var pending = PendingTicks;
        if (pending != long.MaxValue && (_nextDay >= _context.End || pending <= _nextDay.UtcTicks))
        {
            e = _pending.Dequeue();
            return true;
        }

        e = null;
        if (_nextDay < _context.End) MaterialiseDay();
        return false;
    }

    private long PendingTicks => _pending.TryPeek(out _, out var priority) ? priority.Ticks : long.MaxValue;

    private static List<(DateTimeOffset, AccessPattern)> Schedule(SimulationContext context, DeterministicRandom random)
    {
        var options = context.Options.AccessLogs;
        var list = new List<(DateTimeOffset, AccessPattern)>();
        if (!options.Enabled) return list;
        var scale = context.Options.Patients / 10_000.0 * context.Options.Days / 30.0;
        var span = (context.End - context.Start).TotalHours;
        foreach (var (pattern, rate) in new[]
                 {
                     (AccessPattern.OffShift, options.OffShiftAccess), (AccessPattern.BreakGlass, options.BreakGlass),
                     (AccessPattern.MassAccess, options.MassAccess), (AccessPattern.VipRecord, options.VipRecordAccess),
                     (AccessPattern.EmployeeRecord, options.EmployeeRecordAccess), (AccessPattern.FailedLogin, options.FailedLoginBursts),
                 })
        {
            if (rate <= 0) continue;
            var count = Math.Max(1, (int)Math.Round(rate * scale));
            for (var i = 0; i < count; i++) list.Add((context.Start.AddHours(random.NextDouble() * span), pattern));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1) != 0 ? a.Item1.CompareTo(b.Item1) : a.Item2.CompareTo(b.Item2));
        return list;
    }

    private void MaterialiseDay()
    {
        var day = _nextDay;
        var dayEnd = day.AddDays(1);
        if (_context.Options.AccessLogs.Enabled && _context.Options.AccessLogs.ShiftLogins)
        {
            foreach (var member in _context.Staff.Members)
            {
                if (!WorksOn(member, day)) continue;
                var (login, logout) = member.Shift switch
                {
                    Shift.Day => (day.AddHours(_random.Uniform(6.7, 7.3)), day.AddHours(_random.Uniform(19, 19.7))),
                    Shift.Night => (day.AddHours(_random.Uniform(18.7, 19.3)), day.AddHours(_random.Uniform(31, 31.7))),
                    _ => (day.AddHours(_random.Uniform(7.7, 8.5)), day.AddHours(_random.Uniform(16.7, 17.5))),
                };
                Add(member, null, AccessAction.Login, "Session", null, login, AccessPattern.Routine);
                Add(member, null, AccessAction.Logout, "Session", null, logout, AccessPattern.Routine);
            }
        }

        while (_scheduledIndex < _scheduled.Count && _scheduled[_scheduledIndex].At < dayEnd)
        {
            var (at, pattern) = _scheduled[_scheduledIndex++];
            Generate(pattern, Max(at, day));
        }

        _nextDay = dayEnd;
        _dayIndex++;
    }

    private bool WorksOn(StaffMember member, DateTimeOffset day)
    {
        if (member.Shift == Shift.Office) return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

        // Twelve-hour shifts: about four days in seven, stable per person.
        return DeterministicRandom.Hash(_context.Seed, (ulong)member.Index, (ulong)_dayIndex) % 7 < 4;
    }

    private void Generate(AccessPattern pattern, DateTimeOffset at)
    {
        var staff = _context.Staff;
        var patients = _context.Population.Patients;
        switch (pattern)
        {
            case AccessPattern.OffShift:
            {
                var member = Clinician();
                var day = new DateTimeOffset(at.Date, at.Offset);
                var when = member.Shift == Shift.Night ? day.AddHours(_random.Uniform(10, 16)) : day.AddHours(_random.NextDouble() < 0.5 ? _random.Uniform(0, 5) : _random.Uniform(21, 23.9));
                if (when < at) when = when.AddDays(1);
                var patient = patients[_random.Next(patients.Count)];
                var ip = RemoteIp();
                var vpn = "VPN-" + member.UserId;
                Add(member, null, AccessAction.Login, "Session", null, when, pattern, ip, vpn);
                Add(member, patient, AccessAction.View, "Patient", patient.Mrn, when.AddMinutes(_random.Uniform(1, 4)), pattern, ip, vpn);
                Add(member, patient, AccessAction.View, "Observation", patient.Mrn, when.AddMinutes(_random.Uniform(4, 12)), pattern, ip, vpn);
                Add(member, null, AccessAction.Logout, "Session", null, when.AddMinutes(_random.Uniform(12, 25)), pattern, ip, vpn);
                break;
            }

            case AccessPattern.BreakGlass:
            {
                var member = Clinician();
                var patient = _vips.Length > 0 && _random.Chance(0.5) ? _vips[_random.Next(_vips.Length)] : patients[_random.Next(patients.Count)];
                Add(member, patient, AccessAction.BreakGlass, "Patient", patient.Mrn, at, pattern);
                var views = _random.Next(1, 5);
                for (var i = 0; i < views; i++) Add(member, patient, AccessAction.View, i == 0 ? "Patient" : "DocumentReference", patient.Mrn, at.AddMinutes(_random.Uniform(1, 30)), pattern);
                break;
            }

            case AccessPattern.MassAccess:
            {
                var roles = new[] { "nurse", "registration", "billing" };
                var pool = staff.WithRole(roles[_random.Next(roles.Length)]);
                var member = pool[_random.Next(pool.Count)];
                var count = Math.Min(patients.Count, _random.Next(150, 401));

                // A stride coprime with the population size visits distinct patients.
                var stride = NextCoprime(patients.Count, _random.Next(1, Math.Max(2, patients.Count)));
                var index = _random.Next(patients.Count);
                var when = at;
                for (var i = 0; i < count; i++)
                {
                    when = when.AddSeconds(_random.Uniform(8, 45));
                    var patient = patients[index];
                    var action = _random.NextDouble() switch { < 0.02 => AccessAction.Export, < 0.05 => AccessAction.Print, _ => AccessAction.View };
                    Add(member, patient, action, "Patient", patient.Mrn, when, pattern);
                    index = (int)((index + (long)stride) % patients.Count);
                }

                break;
            }

            case AccessPattern.VipRecord when _vips.Length > 0:
            {
                var patient = _vips[_random.Next(_vips.Length)];
                var member = staff.Members[_random.Next(staff.Members.Count)];
                var views = _random.Next(1, 4);
                for (var i = 0; i < views; i++) Add(member, patient, AccessAction.View, i == 0 ? "Patient" : "Encounter", patient.Mrn, at.AddMinutes(i * _random.Uniform(1, 10)), pattern);
                break;
            }

            case AccessPattern.VipRecord or AccessPattern.EmployeeRecord when _employeesWithRecords.Length > 0:
            {
                var employee = _employeesWithRecords[_random.Next(_employeesWithRecords.Length)];
                var patient = patients[employee.PatientIndex!.Value];
                var viewer = _random.Chance(0.4) ? employee : staff.OnShift(employee.Role, employee.HomeUnit, at, _random);
                var views = _random.Next(1, 4);
                for (var i = 0; i < views; i++) Add(viewer, patient, AccessAction.View, "Patient", patient.Mrn, at.AddMinutes(i * _random.Uniform(1, 8)), AccessPattern.EmployeeRecord);
                if (_random.Chance(0.2)) Add(viewer, patient, AccessAction.Print, "DocumentReference", patient.Mrn, at.AddMinutes(_random.Uniform(8, 15)), AccessPattern.EmployeeRecord);
                break;
            }

            case AccessPattern.FailedLogin:
            {
                var member = staff.Members[_random.Next(staff.Members.Count)];
                var ip = string.Create(CultureInfo.InvariantCulture, $"203.0.113.{_random.Next(2, 254)}");
                var attempts = _random.Next(5, 16);
                var when = at;
                for (var i = 0; i < attempts; i++)
                {
                    when = when.AddSeconds(_random.Uniform(3, 40));
                    Add(member, null, AccessAction.Login, "Session", null, when, pattern, ip, "UNKNOWN", success: false);
                }

                if (_random.Chance(0.3)) Add(member, null, AccessAction.Login, "Session", null, when.AddSeconds(_random.Uniform(5, 60)), pattern, ip, "UNKNOWN");
                break;
            }
        }
    }

    private StaffMember Clinician()
    {
        var roles = new[] { "nurse", "nurse", "physician", "resident" };
        var pool = _context.Staff.WithRole(roles[_random.Next(roles.Length)]);
        return pool[_random.Next(pool.Count)];
    }

    private string RemoteIp() => string.Create(CultureInfo.InvariantCulture, $"10.250.{_random.Next(0, 16)}.{_random.Next(2, 254)}");

    private void Add(StaffMember member, SimulatedPatient? patient, AccessAction action, string? resourceType, string? resourceId, DateTimeOffset at, AccessPattern pattern,
        string? sourceIp = null, string? workstation = null, bool success = true)
    {
        at = Whole(at);
        if (!_context.InPeriod(at)) return;
        var e = new EhrAccessEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"ax-{_context.RunTag}-s{_dayIndex}-{_ordinal++}"),
            OccurredAt = at,
            Patient = patient,
            Demographics = patient?.DemographicsAt(at),
            UserId = member.UserId,
            UserRole = member.Role,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Workstation = workstation ?? member.Workstation,
            SourceIp = sourceIp ?? _context.UnitIp(member),
            Success = success,
            Pattern = pattern,
        };
        _pending.Enqueue(e, (at.UtcTicks, _order++));
    }

    private static int NextCoprime(int n, int candidate)
    {
        for (var c = Math.Max(1, candidate); ; c++)
        {
            if (Gcd(c, n) == 1) return c;
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
