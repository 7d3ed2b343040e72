namespace Relay.Server.Operations;

/// <summary>
/// What an operation would do, answered to <c>?dryRun=true</c> instead of doing it: nothing is
/// written. Counted as the operation itself would count them, from the database as it is now.
/// </summary>
/// <param name="DryRun">Always true: nothing was queued.</param>
/// <param name="Kind">The operation's kind, as <c>GET /operations</c> would name it.</param>
/// <param name="Target">Which clients and personnel; null means all.</param>
/// <param name="Clients">The clients it would queue messages for.</param>
/// <param name="Messages">The messages it would queue, counted once for each client (as an operation's
/// <c>messages.total</c>).</param>
/// <param name="Rows">The personnel rows those messages would carry, saved or deleted, over all clients; null for a
/// sync, which sends only what a comparison finds.</param>
/// <param name="Bytes">About how many bytes of message bodies would go to the clients, over all of them; null for a
/// sync.</param>
/// <param name="Removes">For deletions (and deleting all): how many rows the targeted clients hold today that would go,
/// as the server's records say (what it sent them, less what it deleted); null for sends.</param>
/// <param name="Note">What the counts cannot say in advance, when anything.</param>
public sealed record OperationPreview(
    bool DryRun,
    string Kind,
    OperationTarget Target,
    int Clients,
    long Messages,
    long? Rows,
    long? Bytes,
    RowsThatGo? Removes,
    string? Note
);

/// <summary>The rows a deletion would take from the sites.</summary>
/// <param name="Total">Over every targeted client.</param>
/// <param name="Clients">How many clients hold at least one of them.</param>
/// <param name="Largest">Up to 100 of those clients, those that would lose most first.</param>
public sealed record RowsThatGo(long Total, int Clients, IReadOnlyList<ClientRows> Largest);

/// <summary>How many rows one client holds that would go.</summary>
public sealed record ClientRows(long ClientId, string Name, long Rows);
