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

    // Personnel id → the id of the message that deleted it, as the daemon's tombstones; dropped once a later message
    // passes them (the daemon keeps them for retried messages, which no simulated fleet is sent).
    private readonly Dictionary<long, long> _deletedBy = [];
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

    /// <summary>Messages other than deletions that arrived with a new uid but a lower id than one applied before: order
    /// broken. (Deletions may come ahead: the simulator takes <see cref="Features.Overtaking"/>.)</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Deletions that arrived ahead of messages queued before them.</summary>
    public int Overtook { get; private set; }

    /// <summary>Deliver frames that carried a traceparent: none should, since the simulator (like a client of an
    /// earlier build) does not list it among its features.</summary>
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

            if (deliver.Body.Kind is MessageKind.Delete)
            {
                Overtook += deliver.MessageId < _lastMessageId ? 1 : 0;
            }
            else
            {
                OutOfOrder += deliver.MessageId < _lastMessageId ? 1 : 0;
                _lastMessageId = deliver.MessageId;
                foreach (var passed in _deletedBy.Where(d => d.Value < deliver.MessageId).ToList())
                {
                    _deletedBy.Remove(passed.Key);
                }
            }

            Applied++;
            if (deliver.TraceParent is not null)
            {
                TraceParents++;
            }

            ApplyBody(deliver.MessageId, deliver.Body);
            return false;
        }
    }

    private void ApplyBody(long messageId, MessageBody body)
    {
        // A row a later message deleted is not written by this one.
        var personnel = body.Personnel?.Where(p => !(_deletedBy.GetValueOrDefault(p.Id) > messageId)).ToList();
        switch (body.Kind)
        {
            case MessageKind.Save:
                Upsert(_rows, personnel);
                break;
            case MessageKind.Update:
                Upsert(_rows, personnel?.Where(p => _rows.ContainsKey(p.Id)).ToList());
                break;
            case MessageKind.Delete:
                Remove(_rows, body.PersonnelIds);
                foreach (var id in body.PersonnelIds ?? [])
                {
                    _deletedBy[id] = Math.Max(_deletedBy.GetValueOrDefault(id), messageId);
                }

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

                Upsert(_staged!, personnel);
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
