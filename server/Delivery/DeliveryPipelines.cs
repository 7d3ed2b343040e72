using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Relay.Contracts.Protocol;
using Relay.Server.Credentials;
using Relay.Server.Observability;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// One resilience pipeline per client, so that one client's failures shape only its own retries.
/// Polly wraps a single delivery attempt; the worker's loop decides what to send next.
/// </summary>
internal sealed partial class DeliveryPipelines(
    IOptions<DeliveryOptions> options,
    DeliveryQueue queue,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryPipelines> logger
) : IDisposable
{
    public static readonly ResiliencePropertyKey<PendingMessage> MessageKey = new("relay.message");

    /// <summary>Called with each failed attempt to (re)connect an idle client: how the worker learns the link is
    /// down.</summary>
    public static readonly ResiliencePropertyKey<Func<Exception, ValueTask>> LinkFailedKey = new("relay.link-failed");

    private readonly ResiliencePipelineRegistry<long> _registry = new();

    /// <summary>
    /// Connecting to an idle client, tried until it answers (or work arrives): every
    /// <see cref="DeliveryOptions.LinkCheckInterval"/>, so a client that comes back is found within one; a
    /// client that refuses the server's credential is tried less and less often, up to
    /// <see cref="DeliveryOptions.MaxRetryDelay"/>, so it is not hammered into locking the server out.
    /// </summary>
    public ResiliencePipeline Link { get; } =
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(
                new RetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    DelayGenerator = args =>
                        ValueTask.FromResult<TimeSpan?>(
                            LinkRetryDelay(args.Outcome.Exception, args.AttemptNumber, options.Value)
                        ),
                    OnRetry = args =>
                        args.Outcome.Exception is { } e
                        && args.Context.Properties.TryGetValue(LinkFailedKey, out var failed)
                            ? failed(e)
                            : ValueTask.CompletedTask,
                }
            )
            .AddTimeout(options.Value.AttemptTimeout)
            .Build();

    /// <summary>The wait before the next connection attempt to an idle client.</summary>
    public static TimeSpan LinkRetryDelay(Exception? failure, int attempt, DeliveryOptions options)
    {
        if (failure is not CredentialRefusedException)
        {
            return options.LinkCheckInterval;
        }

        var doubled = options.LinkCheckInterval * Math.Pow(2, Math.Min(attempt, 20));
        return doubled < options.MaxRetryDelay ? doubled : options.MaxRetryDelay;
    }

    public ResiliencePipeline<IReadOnlyList<Frame>> For(long clientId) =>
        _registry.GetOrAddPipeline<IReadOnlyList<Frame>>(clientId, builder =>
        {
            var o = options.Value;
            builder.TimeProvider = time;
            builder
                .AddRetry(
                    new RetryStrategyOptions<IReadOnlyList<Frame>>
                    {
                        MaxRetryAttempts = o.MaxRetryAttempts,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = o.RetryDelay,
                        MaxDelay = o.MaxRetryDelay,
                        OnRetry = args => OnRetryAsync(clientId, args),
                    }
                )
                .AddCircuitBreaker(
                    new CircuitBreakerStrategyOptions<IReadOnlyList<Frame>>
                    {
                        // Polly's defaults (100 calls in 30 s) never open at one client's traffic.
                        MinimumThroughput = o.BreakerMinimumThroughput,
                        // For a client that answers and fails; one that cannot be reached is left to the link watch.
                        ShouldHandle = args =>
                            ValueTask.FromResult(
                                args.Outcome.Exception
                                    is { } e
                                        and not OperationCanceledException
                                        and not DeliveryAttemptException { Unreachable: true }
                            ),
                        FailureRatio = o.BreakerFailureRatio,
                        SamplingDuration = o.BreakerSamplingDuration,
                        BreakDuration = o.BreakDuration,
                        OnOpened = args =>
                        {
                            metrics.Circuit(clientId, CircuitGauge.Open);
                            DeliveryLog.CircuitOpened(logger, clientId, args.BreakDuration.TotalSeconds);
                            return ValueTask.CompletedTask;
                        },
                        OnHalfOpened = _ =>
                        {
                            metrics.Circuit(clientId, CircuitGauge.HalfOpen);
                            return ValueTask.CompletedTask;
                        },
                        OnClosed = _ =>
                        {
                            metrics.Circuit(clientId, CircuitGauge.Closed);
                            DeliveryLog.CircuitClosed(logger, clientId);
                            return ValueTask.CompletedTask;
                        },
                    }
                )
                // No Polly timeout around the attempt: the connection fails an attempt when the
                // client stops making progress (ProgressDeadline), however long a slow line takes.
                .AddStrategy(_ => new CompactFailures(), new CompactFailures.Options());
        });

    private async ValueTask OnRetryAsync(long clientId, OnRetryArguments<IReadOnlyList<Frame>> args)
    {
        // An open circuit only says attempts are held back; the reason that opened it stays on record.
        var error =
            args.Outcome.Exception is BrokenCircuitException
                ? null
                : args.Outcome.Exception?.Message ?? "unknown error";
        if (!args.Context.Properties.TryGetValue(MessageKey, out var message))
        {
            return;
        }

        DeliveryLog.AttemptFailed(
            logger,
            clientId,
            message.Id,
            args.AttemptNumber + 1,
            args.RetryDelay.TotalMilliseconds,
            error ?? "the circuit is open",
            args.Outcome.Exception is { } failure ? Failures.ToTrace(failure) : null
        );
        metrics.Retried(clientId);
        try
        {
            await queue.RecordAttemptFailedAsync(message, error, args.Context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Bookkeeping only: the retry goes ahead even when MySQL cannot record it.
            DeliveryLog.BookkeepingFailed(logger, clientId, message.Id, e.Message, Failures.ToTrace(e));
        }
    }

    public void Dispose() => _registry.Dispose();
}
