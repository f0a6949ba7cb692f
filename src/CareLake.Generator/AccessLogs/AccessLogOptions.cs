namespace CareLake.Generator.AccessLogs;

/// <summary>
/// EHR audit logging. Routine care-team access is always generated with the encounters; the suspicious patterns
/// are scheduled at these rates per 10,000 patients per 30 days, with at least one of each enabled pattern in
/// every run, so detection rules always have something to find.
/// </summary>
public sealed record AccessLogOptions
{
    /// <summary>Generate <c>ehr_access</c> events at all. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Emit a login and a logout for every staff shift. Default true.</summary>
    public bool ShiftLogins { get; init; } = true;

    /// <summary>A user opening a chart outside their shift, from home or an unusual workstation. Default 20.</summary>
    public double OffShiftAccess { get; init; } = 20;

    /// <summary>Break-the-glass access to a restricted record. Default 10.</summary>
    public double BreakGlass { get; init; } = 10;

    /// <summary>One user opening hundreds of charts within hours. Default 1.</summary>
    public double MassAccess { get; init; } = 1;

    /// <summary>Staff outside the care team viewing a VIP's record. Default 6.</summary>
    public double VipRecordAccess { get; init; } = 6;

    /// <summary>Staff viewing their own or a colleague's record. Default 8.</summary>
    public double EmployeeRecordAccess { get; init; } = 8;

    /// <summary>Bursts of failed logins against one account. Default 4.</summary>
    public double FailedLoginBursts { get; init; } = 4;

    public void Validate()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(OffShiftAccess), OffShiftAccess), (nameof(BreakGlass), BreakGlass), (nameof(MassAccess), MassAccess),
                     (nameof(VipRecordAccess), VipRecordAccess), (nameof(EmployeeRecordAccess), EmployeeRecordAccess),
                     (nameof(FailedLoginBursts), FailedLoginBursts),
                 })
        {
            if (value is < 0 or > 10_000) throw new ArgumentException($"Invalid generator option: AccessLogs.{name} must be 0–10,000.");
        }
    }
}
