using System.Net;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace Relay.Cli.Api;

/// <summary>
/// The server's control API as the command calls it: the key in <c>X-Api-Key</c>, a connection
/// that fails or an answer of 503 or 429 retried with backoff (honouring <c>Retry-After</c>), and
/// every error answer turned into a <see cref="CommandFailure"/> with its exit code.
/// </summary>
internal sealed class RelayApi : IDisposable
{
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public RelayApi(Uri server, string apiKey, int retries = 5)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("relay-cli/1.0");
        Server = server;
        _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(
                new RetryStrategyOptions<HttpResponseMessage>
                {
                    ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .Handle<HttpRequestException>()
                        .HandleResult(r =>
                            r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests
                        ),
                    MaxRetryAttempts = retries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    DelayGenerator = args =>
                        ValueTask.FromResult(
                            args.Outcome.Result?.Headers.RetryAfter?.Delta is { } after
                                ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(after.Ticks, LongestRetryAfter.Ticks))
                                : null
                        ),
                    OnRetry = args =>
                    {
                        args.Outcome.Result?.Dispose();
                        return ValueTask.CompletedTask;
                    },
                }
            )
            .Build();
    }

    public Uri Server { get; }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, ct);

    /// <summary>Sends the request (<paramref name="content"/> makes a fresh body for each attempt; null when there is
    /// none) and reads the answer; <paramref name="handled"/> lists the error statuses the caller reads itself.</summary>
    public async Task<ApiAnswer> SendAsync(
        HttpMethod method,
        string path,
        CancellationToken ct,
        Func<HttpContent>? content = null,
        bool retry = true,
        params int[] handled
    )
    {
        using var response = await ExchangeAsync(method, path, content, retry, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode && !handled.Contains(status))
        {
            throw Problem.From(response.StatusCode, text);
        }

        return new ApiAnswer(status, ParseOrNull(text), text);
    }

    /// <summary>Opens a streamed answer (an export) after checking its status.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, CancellationToken ct)
    {
        var response = await ExchangeAsync(HttpMethod.Get, path, null, retry: true, ct);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw Problem.From(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
    }

    private async Task<HttpResponseMessage> ExchangeAsync(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        bool retry,
        CancellationToken ct
    )
    {
        // Why the attempts failed, for when the deadline ends the retries: the server was unreachable, not slow.
        string? unreachable = null;
        try
        {
            var pipeline = retry ? _retry : ResiliencePipeline<HttpResponseMessage>.Empty;
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(method, path.TrimStart('/'))
                    {
                        Content = content?.Invoke(),
                    };
                    try
                    {
                        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                        unreachable = response.StatusCode
                            is HttpStatusCode.ServiceUnavailable
                                or HttpStatusCode.TooManyRequests
                            ? $"it answered {(int)response.StatusCode}"
                            : null;
                        return response;
                    }
                    catch (HttpRequestException e)
                    {
                        unreachable = e.Message;
                        throw;
                    }
                },
                ct
            );
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e.Message);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(e.Message);
        }
        catch (OperationCanceledException) when (unreachable is not null)
        {
            throw Unreachable($"{unreachable}, until --timeout");
        }
    }

    private CommandFailure Unreachable(string why) =>
        new(ExitCodes.Unreachable, $"cannot reach the server at {Server}: {why}");

    private static JsonNode? ParseOrNull(string text)
    {
        try
        {
            return text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
