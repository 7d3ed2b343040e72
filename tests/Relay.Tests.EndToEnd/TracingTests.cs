using System.Text.RegularExpressions;
using Dapper;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// One trace from the API call to the site's row, across the two processes: the HTTP call, the
/// outbox write, the delivery attempt and the client's apply, each the parent of the next, read
/// from what each daemon's console exporter printed (<c>Tracing:Exporter=Console</c>).
/// </summary>
public sealed partial class TracingTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Traced = new() { ["Tracing:Exporter"] = "Console" };

    private readonly RelayStack _stack = new(clients: 2, serverSettings: Traced, clientSettings: Traced);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task TheCallTheOutboxWriteTheDeliveryAndTheApplyAreOneChainOfSpansAcrossTheProcesses()
    {
        var (traceId, callerSpan) = await SendTracedAsync(_stack.ClientIds[0]);

        var apply = await SpanAsync(_stack.Clients[0].Process!, traceId, "apply");
        var deliver = await SpanAsync(_stack.Server.Process, traceId, "deliver", apply.ParentSpanId);
        var server = Spans(_stack.Server.Process.Output, traceId);
        var outbox = Assert.Single(server, s => s.SpanId == deliver.ParentSpanId);
        Assert.Equal("outbox write", outbox.Name);
        // ASP.NET Core's own span ends, and is printed, only after the answer is written: waited for too.
        var call = await SpanAsync(
            _stack.Server.Process,
            traceId,
            "PUT /clients/{clientId}/personnel/{personnelId}",
            outbox.ParentSpanId
        );
        Assert.Equal(callerSpan, call.ParentSpanId);
    }

    [Fact]
    public async Task AMessageQueuedWhileItsClientIsDownStoresItsTraceAndContinuesItWhenDelivered()
    {
        var client = _stack.Clients[1];
        await client.Process!.StopAsync();

        var (traceId, _) = await SendTracedAsync(_stack.ClientIds[1], wait: 0);

        await using (var db = new MySqlConnection(_stack.ConnectionString))
        {
            var stored = await db.QuerySingleAsync<string?>(
                "SELECT trace_parent FROM messages WHERE client_id = @id",
                new { id = _stack.ClientIds[1] }
            );
            Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-01$", stored);
        }

        await client.StartAsync();
        var apply = await SpanAsync(client.Process!, traceId, "apply");
        // The server prints its span when the client's answer ends it: after the client printed its own.
        var deliver = await SpanAsync(_stack.Server.Process, traceId, "deliver", apply.ParentSpanId);
        var outbox = Assert.Single(Spans(_stack.Server.Process.Output, traceId), s => s.Name == "outbox write");
        Assert.Equal(outbox.SpanId, deliver.ParentSpanId);
    }

    /// <summary>Sends a new personnel to the client under a caller's own trace, as an upstream system would.</summary>
    private async Task<(string TraceId, string CallerSpan)> SendTracedAsync(long clientId, int wait = 10)
    {
        var traceId = Guid.NewGuid().ToString("N");
        var callerSpan = Guid.NewGuid().ToString("N")[..16];
        var personnel = await _stack.Api.CreatePersonnelAsync(
            "Ada",
            "Lovelace",
            $"{Random.Shared.NextInt64(1L << 36):D11}"
        );
        var request = new HttpRequestMessage(HttpMethod.Put, $"/clients/{clientId}/personnel/{personnel}?wait={wait}");
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        var response = await _stack.Api.SendAsync(request);
        Assert.Equal(wait > 0 ? 200 : 202, (int)response.StatusCode);
        return (traceId, callerSpan);
    }

    private static Task<Span> SpanAsync(DaemonProcess process, string traceId, string name, string? spanId = null) =>
        Eventually.ReturnsAsync(
            () =>
                Task.FromResult(
                    Spans(process.Output, traceId)
                        .SingleOrDefault(s => s.Name == name && (spanId ?? s.SpanId) == s.SpanId)
                ),
            span => span is not null,
            because: $"{process.Name} printed a '{name}' span {spanId} of trace {traceId}"
        )!;

    private sealed record Span(string TraceId, string SpanId, string? ParentSpanId, string Name);

    /// <summary>The spans of one trace among a daemon's printed lines (log lines in between are skipped).</summary>
    private static List<Span> Spans(string output, string traceId)
    {
        var spans = new List<Span>();
        Dictionary<string, string>? fields = null;
        foreach (Match line in SpanField().Matches(output))
        {
            var (name, value) = (line.Groups[1].Value, line.Groups[2].Value.Trim());
            if (name == "TraceId")
            {
                Add(fields);
                fields = [];
            }

            if (fields is not null)
            {
                fields[name] = value;
            }
        }

        Add(fields);
        return spans.Where(s => s.TraceId == traceId).ToList();

        void Add(Dictionary<string, string>? span)
        {
            if (
                span is not null
                && span.TryGetValue("SpanId", out var id)
                && span.TryGetValue("DisplayName", out var n)
            )
            {
                spans.Add(new Span(span["TraceId"], id, span.GetValueOrDefault("ParentSpanId"), n));
            }
        }
    }

    [GeneratedRegex(@"^Activity\.(TraceId|SpanId|ParentSpanId|DisplayName):\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex SpanField();
}
