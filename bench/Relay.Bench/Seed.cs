using MySqlConnector;

namespace Relay.Bench;

internal static class Seed
{
    /// <summary>One parameterised multi-row INSERT of <paramref name="count"/> personnel.</summary>
    public static async Task InsertBatchAsync(MySqlConnection connection, int start, int count)
    {
        await using var command = connection.CreateCommand();
        var values = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var n = start + i;
            values.Add($"(@n{i}, @s{i}, @x{i}, UTC_TIMESTAMP(6))");
            command.Parameters.AddWithValue($"@n{i}", $"Name{n}");
            command.Parameters.AddWithValue($"@s{i}", $"Surname{n}");
            command.Parameters.AddWithValue($"@x{i}", $"{n + 10_000_000_000L:D11}");
        }

        command.CommandText =
            $"INSERT INTO personnel (name, surname, ssn, updated_at) VALUES {string.Join(',', values)}";
        await command.ExecuteNonQueryAsync();
    }
}
