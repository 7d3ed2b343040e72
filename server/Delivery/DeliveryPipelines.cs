using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;

namespace Relay.Server.Delivery;

/// <summary>
/// One resilience pipeline per client, so that one client's failures shape only its own retries.
/// Polly wraps a single delivery attempt; the worker's loop decides what to send next.
/// </summary>
internal sealed partial class DeliveryPipelines(
    IOptions<DeliveryOptions> options,
    OutboxReader outbox,
    TimeProvider time,
    ILogger<DeliveryPipelines> logger) : IDisposable
{
    public static readonly ResiliencePropertyKey<PendingMessage> MessageKey = new("relay.message");

    private readonly ResiliencePipelineRegistry<long> _registry = new();

    public ResiliencePipeline<Frame> For(long clientId) =>
        _registry.GetOrAddPipeline<Frame>(clientId, builder =>
        {
            var o = options.Value;
            builder.TimeProvider = time;
            builder
                .AddRetry(new RetryStrategyOptions<Frame>
                {
                    MaxRetryAttempts = o.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.RetryDelay,
                    MaxDelay = o.MaxRetryDelay,
                    OnRetry = args => OnRetryAsync(clientId, args),
                })
                .AddTimeout(new TimeoutStrategyOptions { Timeout = o.AttemptTimeout });
        });

    private async ValueTask OnRetryAsync(long clientId, OnRetryArguments<Frame> args)
    {
        var error = args.Outcome.Exception?.Message ?? "unknown error";
        if (!args.Context.Properties.TryGetValue(MessageKey, out var message))
        {
            return;
        }

        DeliveryLog.AttemptFailed(logger, clientId, message.Id, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, error);
        try
        {
            await outbox.RecordAttemptFailedAsync(message, error, args.Context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Bookkeeping only: the retry goes ahead even when MySQL cannot record it.
            DeliveryLog.BookkeepingFailed(logger, clientId, message.Id, e.Message);
        }
    }

    public void Dispose() => _registry.Dispose();
}
