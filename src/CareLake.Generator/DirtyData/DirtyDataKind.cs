namespace CareLake.Generator.DirtyData;

/// <summary>The defects a message can carry. Content defects change the bytes; delivery defects change when it arrives.</summary>
[Flags]
public enum DirtyDataKind
{
    None = 0,
    Duplicate = 1 << 0,
    Late = 1 << 1,
    OutOfOrder = 1 << 2,
    Fahrenheit = 1 << 3,
    MissingField = 1 << 4,
    ImplausibleValue = 1 << 5,
    MalformedJson = 1 << 6,
    WrongType = 1 << 7,
}

public static class DirtyDataKinds
{
    public static IReadOnlyList<DirtyDataKind> All { get; } =
    [
        DirtyDataKind.Duplicate, DirtyDataKind.Late, DirtyDataKind.OutOfOrder, DirtyDataKind.Fahrenheit,
        DirtyDataKind.MissingField, DirtyDataKind.ImplausibleValue, DirtyDataKind.MalformedJson, DirtyDataKind.WrongType,
    ];
}
