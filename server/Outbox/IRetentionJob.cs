using MySqlConnector;

namespace Relay.Server.Outbox;

/// <summary>
/// Removes what a feature keeps only for a while (delivered messages, judged verifications, audit
/// rows, settled operations, abandoned imports). Each lives with what it retains, and
/// <see cref="RetentionSweeper"/> runs them all, every <see cref="OutboxOptions.SweepInterval"/>.
/// </summary>
internal interface IRetentionJob
{
    /// <summary>Removes what is past its time. <paramref name="before"/> is <paramref name="now"/> less <see
    /// cref="OutboxOptions.DeliveredRetention"/>.</summary>
    Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct);
}

/// <summary>Deletes in slices, so a large backlog never holds long locks.</summary>
internal static class RetentionSlices
{
    public const int Size = 10_000;

    /// <summary>Runs <paramref name="sql"/> (a <c>DELETE … LIMIT 10000</c> with <c>@before</c>) until a slice removes
    /// fewer rows.</summary>
    public static async Task DeleteAsync(MySqlConnection connection, string sql, DateTime before, CancellationToken ct)
    {
        while (
            await Dapper.SqlMapper.ExecuteAsync(
                connection,
                new Dapper.CommandDefinition(sql, new { before }, cancellationToken: ct)
            ) == Size
        ) { }
    }
}
