using System.CommandLine;
using CareLake.Warehouse.Gold;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake gold</c>: the gold models.</summary>
public static class GoldCommand
{
    public static Command Create()
    {
        var rebuild = new Command("rebuild",
            "Recompute gold.patient_risk_snapshot for every patient from silver, in one transaction. Gold is a pure function of " +
            "silver, so the result equals what the incremental refreshes maintain; use it after changing a model or repairing silver.");
        rebuild.SetAction(async (context, _) =>
        {
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var patients = await PatientRiskSnapshotModel.RebuildAsync(warehouse.DataSource, context.Time.GetUtcNow(), context.Stopping);
            Console.WriteLine($"gold.patient_risk_snapshot rebuilt for {patients:N0} patients");
            return 0;
        });
        return new Command("gold", "Gold-layer models (marts built from silver).") { rebuild };
    }
}
