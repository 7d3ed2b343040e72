namespace Relay.Testing;

/// <summary>Where a stack's database lives: one private MariaDB, or a private Galera cluster.</summary>
public interface IDatabaseHost
{
    /// <summary>Creates an empty database and returns the connection string an instance uses.</summary>
    Task<string> CreateDatabaseAsync(string prefix = "relay");

    /// <summary>Creates a database with the schema the server's migrations make (<see cref="SchemaTemplate"/>) and
    /// returns the connection string an instance uses.</summary>
    Task<string> CreateDatabaseWithSchemaAsync(string prefix = "relay");

    /// <summary>CPU time the database's processes have used so far (every node of a cluster).</summary>
    TimeSpan CpuTime();

    /// <summary>Statements the database has executed for its clients so far (every node of a cluster).</summary>
    Task<long> QuestionsAsync();
}
