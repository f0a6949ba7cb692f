using System.Text.Json;
using CareLake.Core.Parsing;
using CareLake.Core.Records;

namespace CareLake.Core.Contracts.Mapping;

/// <summary>
/// The single-record event types: <c>diagnosis</c>, <c>procedure</c>, <c>lab_result</c> and <c>ehr_access</c>.
/// Each returns null exactly when <paramref name="f"/> holds the reason.
/// </summary>
internal static class ClinicalEventMapping
{
    private const int IdLimit = 128;
    private const int CodeLimit = 64;
    private const int DescriptionLimit = 2048;
    private const int ValueTextLimit = 4096;

    public static DiagnosisRecord? Diagnosis(EventFields f, EventEnvelope e)
    {
        RequireEncounter(f, e);
        var codeSystem = f.Text("code_system", maxLength: CodeLimit) ?? CodeSystems.Icd10Cm;
        var code = f.Text("code", required: true, maxLength: CodeLimit);
        var description = f.Text("description", maxLength: DescriptionLimit);
        var rank = f.Integer("rank");
        var presentOnAdmission = f.OneOf("present_on_admission", ContractValues.PresentOnAdmission);
        var diagnosedAt = f.Timestamp("diagnosed_at");
        if (f.Failed) return null;

        if (rank is < 1 or > int.MaxValue)
        {
            f.Fail(RejectionReason.InvalidValue, $"'rank' must be a whole number of at least 1 (1 = principal), not {rank}", "rank");
            return null;
        }

        if (codeSystem == CodeSystems.Icd10Cm && !ContractValues.IsIcd10CmShaped(code!))
        {
            f.Fail(RejectionReason.InvalidValue, $"'code' '{JsonFields.Truncate(code!)}' is not shaped like an ICD-10-CM code (e.g. I50.9 or I509)", "code");
            return null;
        }

        return new DiagnosisRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = e.EncounterId,
            CodeSystem = codeSystem,
            Code = code!,
            Description = description,
            Rank = (int?)rank,
            PresentOnAdmission = presentOnAdmission,
            DiagnosedAt = diagnosedAt,
        };
    }

    public static ProcedureRecord? Procedure(EventFields f, EventEnvelope e)
    {
        RequireEncounter(f, e);
        var codeSystem = f.OneOf("code_system", ContractValues.ProcedureCodeSystems, required: true);
        var code = f.Text("code", required: true, maxLength: CodeLimit);
        var description = f.Text("description", maxLength: DescriptionLimit);
        var performedAt = f.Timestamp("performed_at", required: true);
        var performedEndAt = f.Timestamp("performed_end_at");
        var status = f.OneOf("status", ContractValues.ProcedureStatuses);
        if (f.Failed) return null;

        if (performedEndAt < performedAt)
        {
            f.Fail(RejectionReason.InconsistentValues, $"'performed_end_at' {performedEndAt:O} is before performed_at {performedAt:O}", "performed_end_at");
            return null;
        }

        return new ProcedureRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = e.EncounterId,
            CodeSystem = codeSystem!,
            Code = code!,
            Description = description,
            PerformedAt = performedAt!.Value,
            PerformedEndAt = performedEndAt,
            Status = status,
        };
    }

    public static LabResultRecord? LabResult(EventFields f, EventEnvelope e)
    {
        var loincCode = f.Text("loinc_code", required: true, maxLength: CodeLimit);
        var testName = f.Text("test_name", maxLength: DescriptionLimit);
        var (valueNumeric, valueText) = Value(f);
        var unit = f.Text("unit", maxLength: CodeLimit);
        var referenceLow = f.Number("reference_low");
        var referenceHigh = f.Number("reference_high");
        var abnormalFlag = f.OneOf("abnormal_flag", ContractValues.AbnormalFlags);
        var specimenCollectedAt = f.Timestamp("specimen_collected_at");
        var resultedAt = f.Timestamp("resulted_at");
        var status = f.OneOf("status", ContractValues.LabStatuses);
        if (f.Failed) return null;

        if (!ContractValues.IsLoincShaped(loincCode!))
        {
            f.Fail(RejectionReason.InvalidValue, $"'loinc_code' '{JsonFields.Truncate(loincCode!)}' is not shaped like a LOINC code (digits, '-', check digit, e.g. 718-7)", "loinc_code");
            return null;
        }

        if (referenceLow > referenceHigh)
        {
            f.Fail(RejectionReason.InconsistentValues, $"'reference_high' {referenceHigh} is below reference_low {referenceLow}", "reference_high");
            return null;
        }

        if (resultedAt < specimenCollectedAt)
        {
            f.Fail(RejectionReason.InconsistentValues, $"'resulted_at' {resultedAt:O} is before specimen_collected_at {specimenCollectedAt:O}", "resulted_at");
            return null;
        }

        return new LabResultRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = e.EncounterId,
            LoincCode = loincCode!,
            TestName = testName,
            ValueNumeric = valueNumeric,
            ValueText = valueText,
            Unit = unit,
            ReferenceLow = referenceLow,
            ReferenceHigh = referenceHigh,
            AbnormalFlag = abnormalFlag,
            SpecimenCollectedAt = specimenCollectedAt,
            ResultedAt = resultedAt,
            Status = status,
        };
    }

    public static EhrAccessRecord? EhrAccess(EventFields f, EventEnvelope e)
    {
        var userId = f.Text("user_id", required: true, maxLength: IdLimit);
        var userRole = f.Text("user_role");
        var action = f.OneOf("action", ContractValues.AccessActions);
        var resourceType = f.Text("resource_type");
        var resourceId = f.Text("resource_id");
        var workstation = f.Text("workstation");
        var sourceIp = f.Text("source_ip", maxLength: CodeLimit);
        var outcome = f.OneOf("outcome", ContractValues.AccessOutcomes);
        if (f.Failed) return null;

        return new EhrAccessRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = e.EncounterId,
            UserId = userId!,
            UserRole = userRole,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Workstation = workstation,
            SourceIp = sourceIp,
            Outcome = outcome,
        };
    }

    private static void RequireEncounter(EventFields f, EventEnvelope e)
    {
        if (e.EncounterId is null)
        {
            f.Fail(RejectionReason.MissingField, "required field 'encounter_id' is missing", "encounter_id");
        }
    }

    /// <summary>A lab value: a number, or text for coded and narrative results.</summary>
    private static (decimal? Numeric, string? Text) Value(EventFields f)
    {
        switch (f.Raw("value"))
        {
            case { ValueKind: JsonValueKind.Number }:
                return (f.Number("value"), null);
            case { ValueKind: JsonValueKind.String }:
                return (null, f.Text("value", maxLength: ValueTextLimit));
            case { } other:
                f.Fail(RejectionReason.WrongType, $"'value' must be a number or a string, not {JsonFields.Describe(other.ValueKind)}", "value");
                return (null, null);
            default:
                return (null, null);
        }
    }
}
