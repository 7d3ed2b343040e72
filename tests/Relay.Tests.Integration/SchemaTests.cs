using Dapper;

namespace Relay.Tests.Integration;

/// <summary>What MySQL InnoDB Cluster (Group Replication) asks of a schema, checked on the one the server
/// creates.</summary>
public sealed class SchemaTests() : AppTest(new ServerApp().WithEmptyDatabase())
{
    [Fact]
    public async Task EveryTableHasAPrimaryKeyAndIsInnoDb()
    {
        await using var db = await App.OpenDatabaseAsync();
        var tables = (
            await db.QueryAsync<(string Name, string Engine, long PrimaryKeys)>(
                """
                SELECT t.TABLE_NAME, t.ENGINE,
                       (SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS k
                        WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_TYPE = 'PRIMARY KEY')
                FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
                ORDER BY t.TABLE_NAME
                """
            )
        ).AsList();

        Assert.Contains(tables, t => t.Name == "messages");
        Assert.All(tables, t =>
            Assert.True(
                t.PrimaryKeys == 1 && t.Engine == "InnoDB",
                $"table {t.Name}: {t.PrimaryKeys} primary keys, engine {t.Engine}"
            )
        );
    }
}
