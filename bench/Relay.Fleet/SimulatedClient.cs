using Relay.Contracts.Digest;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Fleet;

/// <summary>
/// One edge daemon of the simulated fleet: what it holds (id → row hash, in memory) and what it
/// saw, so a test can tell a message applied twice or out of order from a healthy delivery.
/// </summary>
public sealed class SimulatedClient(int index, string host)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _applied = [];
    private Dictionary<long, ulong> _rows = [];
    private Dictionary<long, ulong>? _staged;
    private long _lastMessageId;

    public int Index { get; } = index;

    /// <summary>The loopback address the server dials for this client (all share one listening port).</summary>
    public string Host { get; } = host;

    /// <summary>The id the server gave this client when it was registered.</summary>
    public long ServerId { get; set; }

    /// <summary>The link credential the server issued with that id.</summary>
    public Relay.Contracts.Protocol.LinkCredential? Credential { get; set; }

    public int Applied { get; private set; }

    public int Duplicates { get; private set; }

    /// <summary>Messages that arrived with a new uid but a lower id than one applied before: order broken.</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Deliver frames that carried a traceparent: none should, since the simulator (like a client of an
    /// earlier build) answers the features question with a nack.</summary>
    public int TraceParents { get; private set; }

    public int Connections;

    public int Rows
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    public bool Holds(long personnelId)
    {
        lock (_gate)
        {
            return _rows.ContainsKey(personnelId);
        }
    }

    /// <summary>Applies a message once, as the real daemon does, and says whether it was a redelivery.</summary>
    public bool Apply(DeliverFrame deliver)
    {
        lock (_gate)
        {
            if (!_applied.Add(deliver.MessageUid))
            {
                Duplicates++;
                return true;
            }

            if (deliver.MessageId < _lastMessageId)
            {
                OutOfOrder++;
            }

            _lastMessageId = deliver.MessageId;
            Applied++;
            if (deliver.TraceParent is not null)
            {
                TraceParents++;
            }
            ApplyBody(deliver.Body);
            return false;
        }
    }

    private void ApplyBody(MessageBody body)
    {
        switch (body.Kind)
        {
            case MessageKind.Save or MessageKind.Update:
                Upsert(_rows, body.Personnel);
                break;
            case MessageKind.Delete:
                Remove(_rows, body.PersonnelIds);
                break;
            case MessageKind.DeleteAll:
                _rows.Clear();
                break;
            case MessageKind.Replace or MessageKind.Patch:
                // Staged parts land together on the last one, like the daemon's SQLite transaction.
                if (body.Part is null or { Part: 1 })
                {
                    _staged = body.Kind == MessageKind.Replace ? [] : new Dictionary<long, ulong>(_rows);
                }

                Upsert(_staged!, body.Personnel);
                Remove(_staged!, body.PersonnelIds);
                if (body.Part is null || body.Part.IsLast)
                {
                    (_rows, _staged) = (_staged!, null);
                }

                break;
        }
    }

    private static void Upsert(Dictionary<long, ulong> rows, IReadOnlyList<PersonnelRecord>? personnel)
    {
        foreach (var row in personnel ?? [])
        {
            rows[row.Id] = PersonnelDigest.RowHash(row);
        }
    }

    private static void Remove(Dictionary<long, ulong> rows, IReadOnlyList<long>? ids)
    {
        foreach (var id in ids ?? [])
        {
            rows.Remove(id);
        }
    }
}
