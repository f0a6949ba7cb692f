namespace CareLake.Core.Records.History;

/// <summary>
/// The encounter state machine, fed one record at a time in <see cref="EncounterHistory.ApplicationOrder"/>:
/// register → registered; admit → in_house; transfer moves the patient; discharge → discharged; cancel_discharge
/// re-opens; cancel_admit → cancelled (a later admit or register re-opens); update fills what it carries; a snapshot
/// sets the encounter as a whole. Stays are opened on arrival and on every change of place, and closed at discharge
/// or cancellation, never before they started.
/// </summary>
internal sealed class EncounterReplay
{
    private sealed class Stay(string unit, string? room, string? bed, DateTimeOffset startedAt)
    {
        public string Unit { get; } = unit;
        public string? Room { get; } = room;
        public string? Bed { get; } = bed;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public DateTimeOffset? EndedAt { get; set; }

        public bool IsAt(EncounterRecord r) => Unit == r.Unit && Room == r.Room && Bed == r.Bed;
    }

    private readonly List<Stay> _stays = [];
    private string? _status;
    private string? _statusBeforeDischarge;
    private string? _patientId;
    private string? _classReceived;
    private string? _class;
    private string? _facilityId;
    private string? _admitSource;
    private string? _attendingProviderId;
    private string? _description;
    private DateTimeOffset? _admittedAt;
    private DateTimeOffset? _dischargedAt;
    private string? _disposition;
    private string? _dispositionReceived;

    private Stay? OpenStay => _stays.Count > 0 && _stays[^1].EndedAt is null ? _stays[^1] : null;

    // Null: nothing has said yet whether the encounter started (e.g. only updates so far).
    private bool IsOpen => _status is null or EncounterStatuses.Registered or EncounterStatuses.InHouse or EncounterStatuses.Planned;

    public void Apply(EncounterRecord r)
    {
        CarryDescriptiveFields(r);
        switch (r.Action)
        {
            case AdtAction.Register: Register(r); break;
            case AdtAction.Admit: Admit(r); break;
            case AdtAction.Transfer: Transfer(r); break;
            case AdtAction.Discharge: Discharge(r); break;
            case AdtAction.Update: Update(r); break;
            case AdtAction.CancelAdmit: CancelAdmit(r); break;
            case AdtAction.CancelDischarge: CancelDischarge(); break;
            case AdtAction.Snapshot: Snapshot(r); break;
        }
    }

    public EncounterHistory Result(string source, string encounterId, IReadOnlyList<EncounterRecord> ordered)
    {
        var last = _stays.Count > 0 ? _stays[^1] : null;
        var state = new EncounterState
        {
            Source = source,
            EncounterId = encounterId,
            PatientId = _patientId,
            // Only cancels (their admit never arrived) void the encounter; only updates leave it merely registered.
            Status = _status ?? (ordered.All(IsCancel) ? EncounterStatuses.Cancelled : EncounterStatuses.Registered),
            ClassReceived = _classReceived,
            Class = _class,
            FacilityId = _facilityId,
            Unit = last?.Unit,
            Room = last?.Room,
            Bed = last?.Bed,
            AdmitSource = _admitSource,
            AdmittedAt = _admittedAt,
            DischargedAt = _dischargedAt,
            Disposition = _disposition,
            DispositionReceived = _dispositionReceived,
            AttendingProviderId = _attendingProviderId,
            Description = _description,
            FirstEventAt = ordered[0].OccurredAt,
            LastEventAt = ordered[^1].OccurredAt,
            EventCount = ordered.Count,
            LastEventId = ordered[^1].EventId,
        };
        var stays = _stays.Select((s, i) => new LocationStay(s.Unit, s.Room, s.Bed, s.StartedAt, s.EndedAt, i + 1)).ToList();
        return new EncounterHistory(state, stays);
    }

    private static bool IsCancel(EncounterRecord r) => r.Action is AdtAction.CancelAdmit or AdtAction.CancelDischarge;

    /// <summary>The fields any record may carry: the latest non-null value wins.</summary>
    private void CarryDescriptiveFields(EncounterRecord r)
    {
        _patientId = r.PatientId ?? _patientId;
        if (r.ClassReceived is not null || r.Class is not null)
        {
            (_classReceived, _class) = (r.ClassReceived, r.Class);
        }

        _facilityId = r.FacilityId ?? _facilityId;
        _admitSource = r.AdmitSource ?? _admitSource;
        _attendingProviderId = r.AttendingProviderId ?? _attendingProviderId;
        _description = r.Description ?? _description;
    }

    private void Register(EncounterRecord r)
    {
        if (_status is null or EncounterStatuses.Cancelled or EncounterStatuses.Planned)
        {
            _status = EncounterStatuses.Registered;
            _admittedAt = r.AdmittedAt ?? _admittedAt;
        }

        if (IsOpen) MoveTo(r, r.AdmittedAt ?? r.OccurredAt);
    }

    private void Admit(EncounterRecord r)
    {
        _status = EncounterStatuses.InHouse;
        _admittedAt = r.AdmittedAt ?? r.OccurredAt;
        ClearDischarge();
        MoveTo(r, _admittedAt.Value);
    }

    private void Transfer(EncounterRecord r)
    {
        _status ??= EncounterStatuses.InHouse;
        if (IsOpen) MoveTo(r, r.OccurredAt);
    }

    private void Discharge(EncounterRecord r)
    {
        _admittedAt ??= r.AdmittedAt;
        _dischargedAt = r.DischargedAt ?? r.OccurredAt;
        if (_status == EncounterStatuses.Discharged) ReopenLastStay(); // a corrected discharge moves the end
        if (_stays.Count == 0) MoveTo(r, _admittedAt ?? _dischargedAt.Value);
        _disposition = r.Disposition ?? _disposition;
        _dispositionReceived = r.DispositionReceived ?? _dispositionReceived;
        if (_status != EncounterStatuses.Discharged) _statusBeforeDischarge = _status;
        _status = EncounterStatuses.Discharged;
        CloseStay(_dischargedAt.Value);
    }

    /// <summary>Back to what it was before the discharge (in_house unless it was a registered visit), in the last place.</summary>
    private void CancelDischarge()
    {
        if (_status != EncounterStatuses.Discharged) return;
        _status = _statusBeforeDischarge is EncounterStatuses.Registered ? EncounterStatuses.Registered : EncounterStatuses.InHouse;
        ClearDischarge();
        ReopenLastStay();
    }

    private void CancelAdmit(EncounterRecord r)
    {
        _status = EncounterStatuses.Cancelled;
        CloseStay(r.OccurredAt);
    }

    private void Update(EncounterRecord r)
    {
        _admittedAt = r.AdmittedAt ?? _admittedAt;
        if (_status == EncounterStatuses.Discharged)
        {
            _dischargedAt = r.DischargedAt ?? _dischargedAt;
            _disposition = r.Disposition ?? _disposition;
            _dispositionReceived = r.DispositionReceived ?? _dispositionReceived;
        }

        if (IsOpen) MoveTo(r, r.OccurredAt);
    }

    /// <summary>
    /// The encounter as a whole (FHIR, Synthea). Status: cancelled when its status is cancelled or entered-in-error,
    /// else discharged when it has an end, else planned when planned, else in_house.
    /// </summary>
    private void Snapshot(EncounterRecord r)
    {
        _status = r.Status?.Trim().ToLowerInvariant() switch
        {
            "cancelled" or "entered-in-error" => EncounterStatuses.Cancelled,
            _ when r.DischargedAt is not null => EncounterStatuses.Discharged,
            "planned" => EncounterStatuses.Planned,
            _ => EncounterStatuses.InHouse,
        };
        _admittedAt = r.AdmittedAt ?? r.OccurredAt;
        _dischargedAt = r.DischargedAt;
        (_disposition, _dispositionReceived) = (r.Disposition, r.DispositionReceived);

        if (_status == EncounterStatuses.Planned) return;
        ReopenLastStay(); // then closed again as this snapshot says
        MoveTo(r, _stays.Count == 0 ? _admittedAt.Value : r.OccurredAt);
        if (_status == EncounterStatuses.Discharged) CloseStay(_dischargedAt!.Value);
        if (_status == EncounterStatuses.Cancelled) CloseStay(r.OccurredAt);
    }

    private void ClearDischarge() => (_dischargedAt, _disposition, _dispositionReceived) = (null, null, null);

    /// <summary>Ends the current stay and starts one at the record's place, unless it names no unit or the same place.</summary>
    private void MoveTo(EncounterRecord r, DateTimeOffset at)
    {
        if (r.Unit is null) return;
        var open = OpenStay;
        if (open is not null && open.IsAt(r)) return;
        var startedAt = _stays.Count > 0 && _stays[^1].StartedAt > at ? _stays[^1].StartedAt : at;
        open?.EndedAt = startedAt;
        _stays.Add(new Stay(r.Unit, r.Room, r.Bed, startedAt));
    }

    private void ReopenLastStay()
    {
        if (_stays.Count > 0) _stays[^1].EndedAt = null;
    }

    private void CloseStay(DateTimeOffset at)
    {
        if (OpenStay is { } open) open.EndedAt = at < open.StartedAt ? open.StartedAt : at;
    }
}
