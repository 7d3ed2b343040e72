namespace Relay.Server.Delivery;

/// <summary>Every delivery line names the client and, where there is one, the message.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Debug,
        Message = "Delivered message {MessageId} to client {ClientId}"
    )]
    public static partial void Delivered(ILogger logger, long clientId, long messageId);

    [LoggerMessage(
        EventId = 3002,
        Level = LogLevel.Warning,
        Message = "Delivery of message {MessageId} to client {ClientId} failed (attempt {Attempt}); retrying in {DelayMs:0} ms: {Error}"
    )]
    public static partial void AttemptFailed(
        ILogger logger,
        long clientId,
        long messageId,
        int attempt,
        double delayMs,
        string error,
        Exception? exception
    );

    [LoggerMessage(
        EventId = 3003,
        Level = LogLevel.Error,
        Message = "Client {ClientId} refused message {MessageId} for good; marked failed: {Reason}"
    )]
    public static partial void Refused(ILogger logger, long clientId, long messageId, string reason);

    [LoggerMessage(
        EventId = 3004,
        Level = LogLevel.Warning,
        Message = "Delivery to client {ClientId} is paused for {PauseSeconds:0} s after repeated failures: {Error}"
    )]
    public static partial void Paused(
        ILogger logger,
        long clientId,
        double pauseSeconds,
        string error,
        Exception? exception
    );

    [LoggerMessage(
        EventId = 3005,
        Level = LogLevel.Warning,
        Message = "Could not record the state of message {MessageId} for client {ClientId}: {Error}"
    )]
    public static partial void BookkeepingFailed(
        ILogger logger,
        long clientId,
        long messageId,
        string error,
        Exception? exception
    );

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Started delivering to client {ClientId}")]
    public static partial void WorkerStarted(ILogger logger, long clientId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Stopped delivering to client {ClientId}")]
    public static partial void WorkerStopped(ILogger logger, long clientId);

    [LoggerMessage(
        EventId = 3008,
        Level = LogLevel.Warning,
        Message = "Could not release client leases on stopping; they expire on their own: {Error}"
    )]
    public static partial void LeaseReleaseFailed(ILogger logger, string error, Exception? exception);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Delivery started as instance {InstanceId}")]
    public static partial void InstanceStarted(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Could not renew client leases: {Error}")]
    public static partial void LeaseRenewalFailed(ILogger logger, string error, Exception? exception);

    [LoggerMessage(
        EventId = 3011,
        Level = LogLevel.Warning,
        Message = "Circuit to client {ClientId} opened for {BreakSeconds:0.0} s after repeated failures"
    )]
    public static partial void CircuitOpened(ILogger logger, long clientId, double breakSeconds);

    [LoggerMessage(
        EventId = 3012,
        Level = LogLevel.Information,
        Message = "Circuit to client {ClientId} closed: the client answers again"
    )]
    public static partial void CircuitClosed(ILogger logger, long clientId);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Client {ClientId} can be reached again")]
    public static partial void LinkRestored(ILogger logger, long clientId);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Client {ClientId} cannot be reached: {Error}")]
    public static partial void LinkDown(ILogger logger, long clientId, string error);

    [LoggerMessage(
        EventId = 3015,
        Level = LogLevel.Warning,
        Message = "Could not record whether client {ClientId} can be reached: {Error}"
    )]
    public static partial void LinkNotRecorded(ILogger logger, long clientId, string error, Exception? exception);

    [LoggerMessage(
        EventId = 3016,
        Level = LogLevel.Error,
        Message = "Watching the connection to client {ClientId} stopped unexpectedly"
    )]
    public static partial void LinkWatchFailed(ILogger logger, long clientId, Exception exception);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Debug, Message = "Connected to client {ClientId}")]
    public static partial void LinkConnected(ILogger logger, long clientId);
}
