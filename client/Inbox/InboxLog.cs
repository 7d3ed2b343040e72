namespace Relay.Client.Inbox;

internal static partial class InboxLog
{
    [LoggerMessage(
        EventId = 4001,
        Level = LogLevel.Information,
        Message = "Connection {ConnectionId} from {Remote} opened"
    )]
    public static partial void Connected(ILogger logger, string connectionId, string? remote);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Connection {ConnectionId} closed")]
    public static partial void Disconnected(ILogger logger, string connectionId);

    [LoggerMessage(
        EventId = 4003,
        Level = LogLevel.Debug,
        Message = "Applied message {MessageId} ({Kind}, {Items} items)"
    )]
    public static partial void Applied(ILogger logger, long messageId, string kind, int items);

    [LoggerMessage(
        EventId = 4004,
        Level = LogLevel.Information,
        Message = "Message {MessageId} was already applied; acknowledged again without changes"
    )]
    public static partial void Duplicate(ILogger logger, long messageId);

    [LoggerMessage(
        EventId = 4005,
        Level = LogLevel.Warning,
        Message = "Refused message {MessageId} on connection {ConnectionId}: {Reason}"
    )]
    public static partial void Refused(ILogger logger, long messageId, string connectionId, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Closing connection {ConnectionId}: {Reason}")]
    public static partial void Closing(ILogger logger, string connectionId, string reason);

    [LoggerMessage(
        EventId = 4007,
        Level = LogLevel.Error,
        Message = "Could not apply message {MessageId}; the sender will retry"
    )]
    public static partial void ApplyFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(
        EventId = 4008,
        Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} failed to authenticate and was closed: {Reason}"
    )]
    public static partial void AuthenticationFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(
        EventId = 4009,
        Level = LogLevel.Error,
        Message = "Could not read the personnel table to answer a digest request"
    )]
    public static partial void DescribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Connection {ConnectionId} refused: {Problem}")]
    public static partial void NoCredential(ILogger logger, string connectionId, string problem);

    [LoggerMessage(
        EventId = 4011,
        Level = LogLevel.Information,
        Message = "Listening for deliveries on tcp://{Address}:{Port} ({Transport}); HTTP API on {HttpUrl}"
    )]
    public static partial void Listening(ILogger logger, string address, int port, string transport, string httpUrl);

    [LoggerMessage(
        EventId = 4013,
        Level = LogLevel.Error,
        Message = "Connection {ConnectionId}: the server refused this client's link credential (generation {Generation}): {Reason}"
    )]
    public static partial void CredentialRefused(ILogger logger, string connectionId, int generation, string reason);

    [LoggerMessage(
        EventId = 4014,
        Level = LogLevel.Warning,
        Message = "This client's link credential (generation {Generation}) is of the older form without the server's key: it checks the server only with its own secret, so whoever holds the credential file could pose as the server. Issue a new one (POST /clients/{{id}}/credentials) and put it in place; see PROTOCOL.md"
    )]
    public static partial void NoServerKey(ILogger logger, int generation);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Stopping")]
    public static partial void Stopping(ILogger logger);
}
