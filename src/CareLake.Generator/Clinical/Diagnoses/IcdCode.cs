namespace CareLake.Generator.Clinical.Diagnoses;

/// <summary>An ICD-10-CM code with its description, code written with the dot (e.g. <c>I50.9</c>).</summary>
public sealed record IcdCode(string Code, string Description)
{
    public override string ToString() => Code;
}
