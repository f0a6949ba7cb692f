using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Model;

namespace CareLake.Generator.Encounters;

/// <summary>A visit decided on but not yet simulated.</summary>
internal sealed record PlannedEncounter(DateTimeOffset Start, EncounterClass Class, PrincipalCondition Condition);

/// <summary>How a simulated visit ended, for planning what comes next.</summary>
internal sealed record EncounterOutcome(DateTimeOffset EndedAt, EncounterClass Class, PrincipalCondition Condition, DischargeDisposition? Disposition, bool Cancelled, bool Died);
