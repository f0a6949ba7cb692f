namespace CareLake.Warehouse.Postgres;

/// <summary>The warehouse database cannot be reached, set up or migrated. The message says what to do.</summary>
public sealed class WarehouseException : Exception
{
    public WarehouseException(string message) : base(message) { }
    public WarehouseException(string message, Exception inner) : base(message, inner) { }
    public WarehouseException() { }
}
