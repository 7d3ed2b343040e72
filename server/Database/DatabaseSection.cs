namespace Relay.Server.Database;

/// <summary>
/// The keys under <c>Database</c>: only the password, apart from the connection string (which is
/// <c>ConnectionStrings:Relay</c>), so a <c>Database:ConnectionString</c> is named as a slip rather than ignored.
/// </summary>
internal sealed class DatabaseSection
{
    public string? Password { get; init; }
}
