using CareLake.Warehouse.Postgres;

namespace CareLake.Testing;

/// <summary>A local PostgreSQL cluster a test made in a folder of its own (e.g. by running <c>carelake demo</c> there).</summary>
public static class ScratchCluster
{
    /// <summary>Stops the cluster if it runs and deletes its folder (what cannot be deleted is left to the system's /tmp cleanup).</summary>
    public static async Task RemoveAsync(string dataDirectory)
    {
        var local = new LocalPostgres(dataDirectory);
        if (await local.IsRunningAsync()) await local.StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
