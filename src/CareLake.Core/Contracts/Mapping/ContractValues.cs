using System.Text.RegularExpressions;
using CareLake.Core.Records;

namespace CareLake.Core.Contracts.Mapping;

/// <summary>The closed value sets and code shapes of the event contracts (reference/event-contracts.md, schema version 1).</summary>
public static partial class ContractValues
{
    public static IReadOnlyList<string> Sexes { get; } = ["female", "male", "other", "unknown"];

    public static IReadOnlyList<string> PresentOnAdmission { get; } = ["Y", "N", "U", "W"];

    public static IReadOnlyList<string> ProcedureCodeSystems { get; } = [CodeSystems.SnomedCt, CodeSystems.Icd10Pcs, CodeSystems.Cpt];

    public static IReadOnlyList<string> ProcedureStatuses { get; } = ["completed", "in-progress", "not-done", "entered-in-error"];

    public static IReadOnlyList<string> AbnormalFlags { get; } = ["N", "L", "H", "LL", "HH", "A"];

    public static IReadOnlyList<string> LabStatuses { get; } = ["final", "preliminary", "corrected", "cancelled"];

    public static IReadOnlyList<string> AccessActions { get; } =
        ["view", "create", "update", "delete", "print", "export", "login", "logout", "break_glass"];

    public static IReadOnlyList<string> AccessOutcomes { get; } = ["success", "failure"];

    /// <summary>
    /// An ICD-10-CM code's shape: a letter, two letters or digits (the category), then up to four more after an
    /// optional dot (I50.9, I509, S72.001A). Whether the code exists is not checked.
    /// </summary>
    public static bool IsIcd10CmShaped(string code) => Icd10Cm().IsMatch(code);

    /// <summary>A LOINC code's shape: digits, a hyphen and the check digit (718-7, 2345-7, 33762-6).</summary>
    public static bool IsLoincShaped(string code) => Loinc().IsMatch(code);

    /// <summary>The ADT action of an <c>event_type</c> of topic <c>patient_admissions</c>; null for any other type.</summary>
    public static AdtAction? AdtActionOf(string eventType) =>
        AdtActionCodes.FromCode(eventType) is { } action && action != AdtAction.Snapshot ? action : null; // snapshot is no contract event type

    [GeneratedRegex(@"^[A-Za-z][0-9A-Za-z]{2}(\.?[0-9A-Za-z]{1,4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Icd10Cm();

    [GeneratedRegex(@"^[0-9]{1,8}-[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex Loinc();
}
