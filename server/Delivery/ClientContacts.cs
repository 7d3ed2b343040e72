using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Observability;

namespace Relay.Server.Delivery;

/// <summary>
/// When the server last heard from each client (a pong on an idle link), kept in memory and
/// written as <c>last_contact_at</c> once per <see cref="DeliveryOptions.LinkCheckInterval"/>, a
/// statement per thousand clients heard: an idle fleet of 10,000 costs MySQL two statements a
/// second at the default interval, not 2,000.
/// </summary>
internal sealed partial class ClientContacts(
    MySqlDataSource db,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<ClientContacts> logger
) : BackgroundService
{
    private const int IdsPerStatement = 1000;
    private static readonly TimeSpan FlushWhenUnchecked = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private HashSet<long> _heard = [];

    /// <summary>The client answered just now.</summary>
    public void Heard(long clientId)
    {
        lock (_gate)
        {
            _heard.Add(clientId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval =
            options.Value.LinkCheckInterval > TimeSpan.Zero ? options.Value.LinkCheckInterval : FlushWhenUnchecked;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was heard since the last flush is a few seconds of freshness, not data.
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        HashSet<long> heard;
        lock (_gate)
        {
            if (_heard.Count == 0)
            {
                return;
            }

            (heard, _heard) = (_heard, []);
        }

        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            foreach (var ids in heard.Chunk(IdsPerStatement))
            {
                await connection.ExecuteAsync(
                    "UPDATE clients SET last_contact_at = @now WHERE id IN @ids AND (last_contact_at IS NULL OR last_contact_at < @now)",
                    new { ids, now }
                );
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Heard again at the next ping; a missed write only makes the time older than it is for one interval.
            LogNotRecorded(logger, heard.Count, e.Message, Failures.ToTrace(e));
        }
    }

    [LoggerMessage(
        EventId = 3019,
        Level = LogLevel.Warning,
        Message = "Could not record the last contact of {Count} clients: {Error}"
    )]
    private static partial void LogNotRecorded(ILogger logger, int count, string error, Exception? exception);
}
