using System.Diagnostics;
using Relay.Contracts.Protocol;
using Relay.Server.Observability;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// The <c>deliver</c> spans of one exchange: one per message, each a child of the outbox write that
/// queued it (however long ago), ended by the client's answer. Without a listener nothing is
/// created, and a message queued outside any trace gets no span.
/// </summary>
internal sealed class DeliverySpans : IDisposable
{
    private readonly IReadOnlyList<PendingMessage> _messages;
    private readonly Activity?[] _spans;
    private readonly bool[] _answered;

    public DeliverySpans(long clientId, IReadOnlyList<PendingMessage> messages)
    {
        _messages = messages;
        _spans = RelayTracing.Source.HasListeners() ? new Activity?[messages.Count] : [];
        _answered = new bool[_spans.Length];

        // Started side by side, not nested: the exchange's own context stays current.
        var current = Activity.Current;
        for (var i = 0; i < _spans.Length; i++)
        {
            _spans[i] = RelayTracing
                .StartDelivery(messages[i].TraceParent)
                ?.SetTag("relay.client_id", clientId)
                .SetTag("relay.message_id", messages[i].Id)
                .SetTag("relay.message_kind", messages[i].Kind)
                .SetTag("relay.attempt", messages[i].Attempts + 1)
                .SetTag("relay.broadcast", messages[i].IsBroadcast);
        }

        Activity.Current = current;
    }

    /// <summary>What the deliver frame carries to the client: this attempt's span, else the stored parent.</summary>
    public string? TraceParentOf(int index) =>
        (index < _spans.Length ? _spans[index]?.Id : null) ?? _messages[index].TraceParent;

    public void Answered(int index, Frame reply)
    {
        if (index >= _spans.Length || _spans[index] is not { } span)
        {
            return;
        }

        _answered[index] = true;
        switch (reply)
        {
            case AckFrame ack:
                span.SetTag("relay.duplicate", ack.Duplicate).SetStatus(ActivityStatusCode.Ok);
                break;
            case NackFrame nack:
                span.SetTag("relay.permanent", nack.Permanent).SetStatus(ActivityStatusCode.Error, nack.Reason);
                break;
        }
    }

    /// <summary>The exchange broke: every message not answered yet failed this attempt.</summary>
    public void Failed(Exception error)
    {
        for (var i = 0; i < _spans.Length; i++)
        {
            if (!_answered[i] && _spans[i] is { } span)
            {
                span.AddException(error).SetStatus(ActivityStatusCode.Error, error.Message);
            }
        }
    }

    public void Dispose()
    {
        var current = Activity.Current;
        foreach (var span in _spans)
        {
            span?.Stop();
        }

        Activity.Current = current;
    }
}
