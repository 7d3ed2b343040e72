using Relay.Hosting.Api;

namespace Relay.Server.Operations;

/// <summary>Which clients and personnel an operation is for; null means all of them.</summary>
public sealed record OperationTarget(long? ClientId, long? PersonnelId);

/// <summary>The clients an operation is for (those still registered), by how far each has come.</summary>
/// <param name="Done">Acknowledged every message of the operation.</param>
/// <param name="Pending">Still have messages of it to receive (waiting, or being retried).</param>
/// <param name="Failed">Refused at least one message for good (see its <c>lastError</c>; retry or discard it).</param>
public sealed record ClientCounts(int Total, int Done, int Pending, int Failed);

/// <summary>An operation's messages, counted once for each client they are for (a batch to all of 2,000 clients counts
/// 2,000).</summary>
public sealed record MessageCounts(long Total, long Pending, long Delivered, long Failed);

/// <summary>
/// A stored operation and how far it has come. <c>state</c> is <c>pending</c> while any client
/// still has a message of it to receive, then <c>delivered</c> (every client acknowledged every
/// message) or <c>failed</c> (some client refused one for good). Its size does not grow with the
/// number of clients or messages: those are listed, paged, at <c>/operations/{id}/clients</c> and
/// <c>/operations/{id}/messages</c>.
/// </summary>
public record OperationStatus(
    long Id,
    string Kind,
    OperationTarget Target,
    OperationState State,
    DateTime CreatedAt,
    ClientCounts Clients,
    MessageCounts Messages
)
{
    /// <summary>
    /// In the answer to deleting all personnel (from one client or all): how many rows the targeted clients held when
    /// it was queued, as the server's records say, on how many clients, and the largest. Absent elsewhere.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull
    )]
    public RowsThatGo? Removes { get; init; }

    public static OperationState StateOf(MessageCounts messages) =>
        messages.Pending > 0 ? OperationState.Pending
        : messages.Failed > 0 ? OperationState.Failed
        : OperationState.Delivered;
}

/// <summary>Where an operation stands: some client still has a message of it to receive, every client acknowledged all,
/// or some client refused one for good.</summary>
public enum OperationState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>Where one client stands in an operation.</summary>
public enum OperationClientState
{
    /// <summary>Acknowledged every message of the operation.</summary>
    Done,

    /// <summary>Still has messages of it to receive.</summary>
    Pending,

    /// <summary>Refused at least one of them for good.</summary>
    Failed,
}

/// <summary>Which of an operation's clients to list: <see cref="Unfinished"/> (failed or pending), one state, or
/// all.</summary>
public enum OperationClientFilter
{
    Unfinished,
    Failed,
    Pending,
    Done,
    All,
}

/// <summary>An operation with its unfinished clients (failed or still pending) first page: what to look at.</summary>
public sealed record OperationDetail(
    long Id,
    string Kind,
    OperationTarget Target,
    OperationState State,
    DateTime CreatedAt,
    ClientCounts Clients,
    MessageCounts Messages,
    Page<OperationClient> UnfinishedClients
) : OperationStatus(Id, Kind, Target, State, CreatedAt, Clients, Messages);

/// <summary>
/// Where one client stands in an operation: <c>done</c>, <c>pending</c> or <c>failed</c>, its
/// messages of the operation, and the last error (a refusal, or why it cannot be reached).
/// </summary>
public sealed record OperationClient(
    long ClientId,
    string Name,
    OperationClientState State,
    MessageCounts Messages,
    string? LastError,
    DateTime? LastAttemptAt
);

/// <summary>Recent operations, newest first. Pass <see cref="NextBeforeId"/> as <c>beforeId</c> for older
/// ones.</summary>
public sealed record OperationsPage(IReadOnlyList<OperationStatus> Items, long? NextBeforeId);
