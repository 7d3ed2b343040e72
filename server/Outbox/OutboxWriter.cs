using System.Data;
using Dapper;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>
/// The one way to write to the outbox. <see cref="WriteAsync{T}"/> opens a connection and a
/// transaction, takes the message counter and reads the target clients, lets the caller stage what
/// it queues (<see cref="OutboxTransaction"/>), commits, and only then wakes the senders of those
/// clients. The whole unit runs again when the database rolls it back (a deadlock, or on a cluster
/// a certification conflict; see <see cref="Transactions"/>), so a caller's work must only read
/// and write through the transaction it is given.
/// </summary>
internal sealed class OutboxWriter(
    MySqlDataSource db,
    OutboxSignal signal,
    RelayMetrics metrics,
    Transactions transactions,
    TimeProvider time
) : IDisposable
{
    /// <summary>
    /// One ordered unit of this process in the database at a time. Every ordered unit updates the
    /// counter row first, so on one server they run one after another anyway (each waits on the
    /// row's lock until the one before commits): waiting here instead costs nothing and holds no
    /// connection. On a multi-writer cluster it is what keeps certification conflicts few: they
    /// happen only between nodes, one unit from each at a time, instead of among every unit of
    /// every node, which under a burst ran units out of attempts.
    /// </summary>
    private readonly SemaphoreSlim _ordered = new(1, 1);

    public void Dispose() => _ordered.Dispose();

    /// <summary>Runs <paramref name="work"/> in one outbox transaction; returns what it returned.</summary>
    public async Task<T> WriteAsync<T>(
        OutboxTargets targets,
        Func<OutboxTransaction, Task<T>> work,
        CancellationToken ct
    )
    {
        // The span the queued messages store as their trace parent: each delivery attempt is its child.
        using var span = RelayTracing.Source.StartActivity("outbox write");
        var (result, clientIds, messages) = await transactions.RetryDeadlocksAsync(
            () => AttemptAsync(targets, work, ct),
            ct
        );
        span?.SetTag("relay.messages", messages).SetTag("relay.clients", clientIds.Count);
        if (messages > 0)
        {
            metrics.Enqueued(messages);
        }

        signal.Notify(clientIds);

        return result;
    }

    private async Task<(T Result, IReadOnlyList<long> ClientIds, int Messages)> AttemptAsync<T>(
        OutboxTargets targets,
        Func<OutboxTransaction, Task<T>> work,
        CancellationToken ct
    )
    {
        if (!targets.Ordered)
        {
            return await RunAsync(targets, work, ct);
        }

        await _ordered.WaitAsync(ct);
        try
        {
            return await RunAsync(targets, work, ct);
        }
        finally
        {
            _ordered.Release();
        }
    }

    private async Task<(T Result, IReadOnlyList<long> ClientIds, int Messages)> RunAsync<T>(
        OutboxTargets targets,
        Func<OutboxTransaction, Task<T>> work,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var clientIds = targets.Ordered ? await ClaimTargetsAsync(connection, tx, targets, ct) : [];
        var unit = new OutboxTransaction(connection, tx, targets, clientIds, time, ct);
        var result = await work(unit);
        if (unit.Discarded)
        {
            await tx.RollbackAsync(ct);
            return (result, [], 0);
        }

        await tx.CommitOrExplainAsync(ct);
        return (result, unit.Messages > 0 ? [.. clientIds, .. unit.Woken] : unit.Woken, unit.Messages);
    }

    /// <summary>
    /// Claims the message counter (<see cref="OutboxSequence"/>), then reads the target clients
    /// (one, or all in id order). The counter orders every queuing transaction, on one server and
    /// across the nodes of a cluster alike, so message ids increase in commit order and the sender
    /// never delivers a later operation's message before an earlier one's. It is taken first,
    /// before anything else is read, so the snapshot holds every client registered before it. The
    /// clients' rows are not locked: on Galera a local lock is broken by every acknowledgement
    /// another node commits to the row, and the counter already orders what the locks used to.
    /// </summary>
    private static async Task<IReadOnlyList<long>> ClaimTargetsAsync(
        MySqlConnection connection,
        MySqlTransaction tx,
        OutboxTargets targets,
        CancellationToken ct
    )
    {
        await OutboxSequence.ClaimAsync(connection, tx, ct);
        if (!targets.AllClients && targets.ClientId is null)
        {
            return [];
        }

        return (
            await connection.QueryAsync<long>(
                new CommandDefinition(
                    targets.ClientId is not null
                        ? "SELECT id FROM clients WHERE id = @ClientId"
                        : "SELECT id FROM clients ORDER BY id",
                    targets,
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();
    }
}
